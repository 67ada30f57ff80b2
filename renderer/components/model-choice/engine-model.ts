import type { ModelFile } from '../../../shared/provider';

/**
 * The model the built-in engine would load now, as the engine itself decides (main/engine/model-choice.ts):
 * the one its settings name, else the first GGUF of the models folder by name. Undefined: it has none.
 */
export function engineModel(models: ModelFile[], chosen: string | undefined): ModelFile | undefined {
  if (chosen) return models.find((m) => m.file === chosen || m.path === chosen);
  return models
    .filter((m) => (!m.origin || m.origin === 'models folder') && !m.error)
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))[0];
}
