import { useEffect, useState } from 'react';

type CopyState = 'idle' | 'done' | 'failed';

interface CopyTextButtonProps {
  text: string;
  /** What is copied, for the tooltip ("Copy the folder path"). */
  what: string;
  testId?: string;
}

/** Copies one string, then says so for a moment: a path is easier to paste than to retype. */
export function CopyTextButton({ text, what, testId }: CopyTextButtonProps) {
  const [state, setState] = useState<CopyState>('idle');
  const [failure, setFailure] = useState('');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('done');
    } catch (error) {
      // Browsers refuse the clipboard on plain http from another host, or without a user gesture.
      setFailure(error instanceof Error ? error.message : String(error));
      setState('failed');
    }
  };

  return (
    <button
      type="button"
      className="button button-ghost button-small"
      data-testid={testId}
      title={state === 'failed' ? failure : `Copy ${what}`}
      onClick={() => void copy()}
    >
      {state === 'done' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
    </button>
  );
}
