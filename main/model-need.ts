import { existsSync, readdirSync } from 'node:fs';
import type { ModelNeed } from '../shared/provider';
import type { ProviderRecipe } from '../shared/recipe';
import { placeholdersIn, recipeTemplates } from './services/supervision/placeholders';
import { modelArgument } from './services/supervision/placeholder-values';

/** What the check reads of the disk; a test can hand in its own folder. */
export interface ModelDisk {
  exists(file: string): boolean;
  /** Whether the models folder holds at least one GGUF file. */
  hasGguf(modelsDir: string): boolean;
}

export const realDisk: ModelDisk = {
  exists: (file) => existsSync(file),
  hasGguf: (dir) => {
    try {
      return readdirSync(dir).some((f) => f.toLowerCase().endsWith('.gguf'));
    } catch {
      return false;
    }
  },
};

/**
 * Whether a provider can start with the model it would get now, asked before anything is spawned:
 * a tile says "Choose model" instead of a Start that fails on a missing `{model}`, and a start from
 * the CLI or the API is refused with the same words. Undefined: it has what it needs.
 */
export function modelNeedOf(
  recipe: ProviderRecipe,
  chosen: string | undefined,
  modelsDir: string,
  disk: ModelDisk = realDisk,
): ModelNeed | undefined {
  const usesModel = recipeTemplates(recipe).some(({ where, text }) => where.startsWith('start.') && placeholdersIn(text).includes('model'));
  const where = `in ${recipe.name}’s settings`;
  const input = recipe.modelInput === 'gguf' ? 'gguf' : 'name';
  if (chosen) {
    if (recipe.modelInput !== 'gguf') return undefined;
    const file = modelArgument(recipe, chosen, modelsDir)!;
    if (disk.exists(file)) return undefined;
    return {
      kind: 'file-missing',
      input,
      message: `${recipe.name}’s model ${chosen} is not on disk (looked for ${file}).`,
      hint: `Choose another model ${where}, or download it again on the Models page.`,
    };
  }
  if (usesModel) {
    return {
      kind: 'none-chosen',
      input,
      message: `${recipe.name} needs a model and none is chosen.`,
      hint:
        recipe.modelInput === 'gguf'
          ? `Choose a GGUF file ${where} (Choose model), or get one on the Models page.`
          : `Name the model it should serve ${where} (Choose model), as ${recipe.name} expects it (for most, a Hugging Face repository such as Qwen/Qwen2.5-0.5B-Instruct).`,
    };
  }
  // A GGUF server that takes the first file of the models folder (the built-in engine).
  if (recipe.modelInput === 'gguf' && !disk.hasGguf(modelsDir)) {
    return {
      kind: 'folder-empty',
      input,
      message: `${recipe.name} has no model: the models folder (${modelsDir}) has no GGUF file and none is chosen.`,
      hint: 'Download one on the Models page (or: local-llm-manager models pull <owner/repo>), or choose one another app keeps (Choose model on its tile).',
    };
  }
  return undefined;
}
