import { useSettings, useUpdateSettings } from '../../../api/hooks';

export const WIZARD_STEPS = ['System', 'Found', 'Choose', 'Install', 'Model', 'Finish'] as const;

/**
 * Where the wizard is, kept in settings on the host: leave it, reload, or open it from another
 * browser, and it resumes at the same step with the same choice.
 */
export function useWizardState() {
  const settings = useSettings();
  const update = useUpdateSettings();
  const wizard = settings.data?.values.wizard ?? { completed: false, step: 0, selected: [] };
  // Only the fields that change. No base revision: where the wizard is is navigation, and the
  // latest step wins (a quick second Next must not be refused for following the first).
  const save = (patch: Partial<typeof wizard>) => update.mutate({ wizard: patch });
  return { wizard, loaded: settings.data !== undefined, save, saving: update.isPending, error: update.error };
}
