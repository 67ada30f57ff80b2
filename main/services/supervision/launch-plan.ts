import type { ProcessSpec, ProviderRecipe } from '../../../shared/recipe';
import type { ProcessLaunch } from './managed-process';
import type { PlaceholderValues } from './placeholders';

export type ExpandFn = (template: string, values: PlaceholderValues, where: string) => string;

/** What the user chose for this start that reaches the provider through its environment (the engine). */
export interface LaunchChoices {
  model?: string;
  contextSize?: number;
  threads?: number;
  parallel?: number;
}

/**
 * The processes a recipe starts, in order, with placeholders filled: argv elements stay single
 * arguments. Throws the expansion's error (an unknown placeholder, no model chosen).
 */
export function launchPlan(
  recipe: ProviderRecipe,
  values: PlaceholderValues,
  choices: LaunchChoices,
  expand: ExpandFn,
): Array<{ spec: ProcessSpec; launch: ProcessLaunch }> {
  return recipe.start.map((spec, index) => ({
    spec,
    launch: {
      providerId: recipe.id,
      name: spec.name,
      argv: spec.argv.map((arg, i) => expand(arg, values, `start.${index}.argv.${i}`)),
      env: {
        // The model and tuning chosen in settings, for providers that read them from the environment (the engine).
        ...(choices.model ? { LLM_MANAGER_MODEL: choices.model } : {}),
        ...(choices.contextSize ? { LLM_MANAGER_CTX_SIZE: String(choices.contextSize) } : {}),
        ...(choices.threads ? { LLM_MANAGER_THREADS: String(choices.threads) } : {}),
        ...(choices.parallel ? { LLM_MANAGER_PARALLEL: String(choices.parallel) } : {}),
        ...Object.fromEntries(Object.entries(spec.env).map(([key, value]) => [key, expand(value, values, `start.${index}.env.${key}`)])),
      },
      cwd: spec.cwd ? expand(spec.cwd, values, `start.${index}.cwd`) : values.dataDir,
      ...(spec.argv[0] === '{node}' ? { runtime: 'node' as const } : {}),
    },
  }));
}

/** The recipe's stop command (`lms server stop`), for providers whose launcher exits once the app serves. */
export function stopLaunch(recipe: ProviderRecipe, values: PlaceholderValues, expand: ExpandFn): ProcessLaunch | undefined {
  if (!recipe.stop) return undefined;
  const argv = recipe.stop.map((arg, i) => expand(arg, values, `stop.${i}`));
  return {
    providerId: recipe.id,
    name: 'stop',
    argv,
    env: {},
    cwd: values.dataDir,
    ...(recipe.stop[0] === '{node}' ? { runtime: 'node' as const } : {}),
  };
}
