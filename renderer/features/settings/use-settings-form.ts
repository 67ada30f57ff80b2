import type { FormEvent } from 'react';
import type { SettingsPatch, SettingsState } from '../../../shared/settings';
import { useUpdateSettings } from '../../api/hooks';
import { useEdits } from '../../hooks/use-edits';

/** How one settings form reads its draft from the host's state, checks it, and turns it into a patch. */
export interface DraftRules<D extends object> {
  draftFrom(state: SettingsState): D;
  validate(draft: D): Partial<Record<keyof D, string>>;
  buildPatch(draft: D, state: SettingsState): SettingsPatch;
}

/**
 * A settings form's draft (the host's values under the user's edits), its errors, and Save: only
 * what changed, against the revision the first edit was made on. `footer` is FormFooter's props.
 */
export function useSettingsForm<D extends object>(state: SettingsState, rules: DraftRules<D>) {
  // Only what the user touched; untouched fields keep following the host (e.g. another client's save).
  const { edits, edit: addEdit, clear, baseRevision, settled } = useEdits<D>(state.revision);
  const update = useUpdateSettings();
  const saved = rules.draftFrom(state);
  const draft: D = { ...saved, ...edits };
  /** Whether the field holds a value other than the host's (typing or toggling a value back is no edit; values are plain data). */
  const edited = (key: keyof D) => key in edits && JSON.stringify(edits[key]) !== JSON.stringify(saved[key]);
  const errors = rules.validate(draft);
  const patch = rules.buildPatch(draft, state);
  const dirty = Object.keys(patch).length > 0;
  const invalid = Object.keys(errors).length > 0;

  const edit = (next: Partial<D>) => {
    addEdit(next);
    if (!update.isPending) update.reset();
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!dirty || invalid) return;
    update.mutate({ ...patch, baseRevision }, settled);
  };
  const footer = { update, dirty, invalid, canDiscard: Object.keys(edits).length > 0, onDiscard: clear };
  return { draft, errors, edit, edited, onSubmit, footer };
}
