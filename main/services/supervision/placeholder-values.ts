import path from 'node:path';
import type { ProviderRecipe } from '../../../shared/recipe';
import type { Paths } from '../base-dir/paths';
import type { PlaceholderValues } from './placeholders';

/** What a provider's placeholders are filled from: the supervisor's allocated ports, or the installer's default ones. */
export interface PlaceholderInputs {
  paths: Paths;
  recipe: ProviderRecipe;
  host: string;
  port: number;
  /** Extra ports by name, for `{ports.NAME}`. */
  extraPorts: Readonly<Record<string, number>>;
  /** The model as the user chose it (a file in the shared models folder, a path, or a name). */
  model?: string;
  /** The built-in engine's script, when built. */
  engineEntry?: string;
  /** Whose data and config folders to use, when not the recipe's own (see StartOptions.home). */
  home?: string;
}

/** `data/<id>`: where a provider is installed and runs. */
export function providerDataDir(paths: Paths, id: string): string {
  return path.join(paths.data, id);
}

/** `config/<id>`: its config files. */
export function providerConfigDir(paths: Paths, id: string): string {
  return path.join(paths.config, id);
}

/**
 * The one place placeholder values are built: the supervisor's start and stop commands and the
 * installer's build steps, config files and `bin/<id>.sh` all get the same `{model}`, `{dataDir}`, ….
 */
export function placeholderValues(inputs: PlaceholderInputs): PlaceholderValues {
  const { paths, recipe } = inputs;
  return {
    host: inputs.host,
    port: String(inputs.port),
    model: modelArgument(recipe, inputs.model, paths.models),
    modelsDir: paths.models,
    dataDir: providerDataDir(paths, inputs.home ?? recipe.id),
    configDir: providerConfigDir(paths, inputs.home ?? recipe.id),
    binDir: paths.bin,
    logsDir: paths.logs,
    baseDir: paths.base,
    node: process.execPath,
    engineEntry: inputs.engineEntry,
    ports: Object.fromEntries(Object.entries(inputs.extraPorts).map(([name, port]) => [name, String(port)])),
  };
}

/** A GGUF chosen from the shared models folder reaches the provider as a full path; anything else as given. */
export function modelArgument(recipe: ProviderRecipe, model: string | undefined, modelsDir: string): string | undefined {
  if (!model || recipe.modelInput !== 'gguf' || path.isAbsolute(model)) return model;
  return path.join(modelsDir, model);
}
