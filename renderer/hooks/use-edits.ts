import { useState } from 'react';
import { isConflict } from '../api/hooks';

/**
 * What a settings form's user changed, and the settings revision those changes were made against:
 * the one on screen at the first change, not the latest, so a save cannot undo a change made
 * elsewhere that this form never showed (the host answers CONFLICT instead).
 */
export function useEdits<D extends object>(revision: number | undefined) {
  const [edits, setEdits] = useState<Partial<D>>({});
  const [base, setBase] = useState<number>();
  const clear = () => {
    setEdits({});
    setBase(undefined);
  };
  return {
    edits,
    baseRevision: base ?? revision,
    edit(next: Partial<D>) {
      setEdits((current) => ({ ...current, ...next }));
      setBase((current) => current ?? revision);
    },
    clear,
    /** Mutation callbacks: a saved change is done; a refused one is dropped so the form shows the values now in effect. */
    settled: {
      onSuccess: clear,
      onError: (error: unknown) => {
        if (isConflict(error)) clear();
      },
    },
  };
}
