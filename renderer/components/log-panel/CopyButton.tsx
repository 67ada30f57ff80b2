import { useEffect, useState } from 'react';
import type { ViewSource } from './view-line';
import { linesToText } from './copy-lines';

type CopyState = { kind: 'idle' } | { kind: 'done'; count: number } | { kind: 'failed'; message: string };

/** Copies what the view shows (the filtered lines when a filter is on) to the clipboard. */
export function CopyButton({ source }: { source: ViewSource }) {
  const [state, setState] = useState<CopyState>({ kind: 'idle' });
  useEffect(() => {
    if (state.kind === 'idle') return;
    const timer = setTimeout(() => setState({ kind: 'idle' }), 2500);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(linesToText(source));
      setState({ kind: 'done', count: source.length });
    } catch (error) {
      // Browsers refuse the clipboard on plain http from another host, or without a user gesture.
      setState({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  };

  const label = state.kind === 'done' ? `Copied ${state.count.toLocaleString()}` : state.kind === 'failed' ? 'Copy failed' : 'Copy';
  return (
    <button
      type="button"
      className="button button-ghost button-small"
      data-testid="log-copy"
      disabled={source.length === 0}
      title={state.kind === 'failed' ? state.message : 'Copy the lines shown to the clipboard'}
      onClick={() => void copy()}
    >
      {label}
    </button>
  );
}
