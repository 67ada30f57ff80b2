import path from 'node:path';
import { AppFailure } from '../../../shared/errors';
import { PLACEHOLDERS, type PlaceholderName, type ProviderRecipe } from '../../../shared/recipe';

/** What `{name}` becomes. `venvPython` may be left out: it follows from `dataDir` and the OS. */
export type PlaceholderValues = { [K in Exclude<PlaceholderName, 'model' | 'venvPython' | 'engineEntry'>]: string } & {
  /** Absent until the user chooses one; a recipe that uses `{model}` cannot start without it. */
  model?: string;
  venvPython?: string;
  /** Absent where the engine is not built (running from source without `npm run build`). */
  engineEntry?: string;
  /** Extra ports by name, for `{ports.NAME}`. */
  ports: Record<string, string | number>;
};

/** Where the installer makes a Python provider's venv, inside its data folder. */
export const VENV_DIR = 'venv';

export function venvPythonPath(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32'
    ? path.win32.join(dataDir, VENV_DIR, 'Scripts', 'python.exe')
    : path.posix.join(dataDir, VENV_DIR, 'bin', 'python');
}

// `{{name}}` is the escape for a literal `{name}`; other braces (YAML flow maps, JSON) never match.
const TOKEN = /\{\{([A-Za-z][\w.-]*)\}\}|\{([A-Za-z][\w.-]*)\}/g;
const KNOWN = new Set<string>(PLACEHOLDERS);

export const PLACEHOLDER_HINT = `Use one of ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}, or {ports.NAME} for a port declared in extraPorts; write {{name}} for a literal {name}.`;

/**
 * Fills `{port}`, `{ports.controller}`, … in one argv element, env value or template. Pure. The
 * result is one string: argv elements stay single arguments and nothing reaches a shell.
 * `where` names the spot for the error, e.g. `start.0.argv.3`.
 */
export function expandPlaceholders(template: string, values: PlaceholderValues, where = 'a template'): string {
  return template.replace(TOKEN, (_match, literal: string | undefined, name: string) => {
    if (literal !== undefined) return `{${literal}}`;
    return valueOf(name, values, where);
  });
}

export function expandArgv(argv: readonly string[], values: PlaceholderValues, where: string): string[] {
  return argv.map((arg, i) => expandPlaceholders(arg, values, `${where}.${i}`));
}

/** Names are kept as written; only values are expanded. */
export function expandEnv(env: Readonly<Record<string, string>>, values: PlaceholderValues, where: string): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, expandPlaceholders(value, values, `${where}.${key}`)]));
}

function valueOf(name: string, values: PlaceholderValues, where: string): string {
  if (name.startsWith('ports.')) {
    const port = values.ports[name.slice('ports.'.length)];
    if (port !== undefined) return String(port);
    throw new AppFailure({
      code: 'BAD_REQUEST',
      message: `{${name}} in ${where} names an extra port the recipe does not declare.`,
      hint: `Add it to the recipe's extraPorts (declared: ${Object.keys(values.ports).join(', ') || 'none'}).`,
      details: { placeholder: name, where },
    });
  }
  if (!KNOWN.has(name)) throw unknownPlaceholder(name, where);
  if (name === 'venvPython') return values.venvPython ?? venvPythonPath(values.dataDir);
  const value = values[name as Exclude<PlaceholderName, 'venvPython'>];
  if (value !== undefined && value !== '') return value;
  throw new AppFailure({
    code: 'BAD_REQUEST',
    message: name === 'model' ? `{model} is used in ${where}, but no model is chosen.` : `{${name}} in ${where} has no value.`,
    hint:
      name === 'model'
        ? "Choose a model in the provider's settings, then start it again."
        : name === 'engineEntry'
          ? 'The built-in engine is not built: run "npm run build" (or use a packaged release).'
          : 'The manager fills this itself; this is a bug in Local LLM Manager.',
    details: { placeholder: name, where },
  });
}

export function unknownPlaceholder(name: string, where: string): AppFailure {
  return new AppFailure({
    code: 'BAD_REQUEST',
    message: `Unknown placeholder {${name}} in ${where}.`,
    hint: PLACEHOLDER_HINT,
    details: { placeholder: name, where },
  });
}

/** Placeholder names used in a text, escapes excluded, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(TOKEN)].flatMap((m) => (m[2] === undefined ? [] : [m[2]]));
}

export interface TemplateSpot {
  /** Dotted path in the recipe, e.g. `start.1.env.CUDA_VISIBLE_DEVICES`. */
  where: string;
  text: string;
}

/** Every string of a recipe that placeholders are expanded in. */
export function recipeTemplates(recipe: ProviderRecipe): TemplateSpot[] {
  const spots: TemplateSpot[] = [];
  const add = (where: string, text: string | undefined) => text !== undefined && spots.push({ where, text });
  recipe.start.forEach((spec, i) => {
    spec.argv.forEach((arg, j) => add(`start.${i}.argv.${j}`, arg));
    Object.entries(spec.env).forEach(([key, value]) => add(`start.${i}.env.${key}`, value));
    add(`start.${i}.cwd`, spec.cwd);
  });
  recipe.stop?.forEach((arg, i) => add(`stop.${i}`, arg));
  if (recipe.install.strategy === 'git' || recipe.install.strategy === 'python') {
    recipe.install.build.forEach((step, i) => {
      step.argv.forEach((arg, j) => add(`install.build.${i}.argv.${j}`, arg));
      Object.entries(step.env).forEach(([key, value]) => add(`install.build.${i}.env.${key}`, value));
      add(`install.build.${i}.cwd`, step.cwd);
    });
  }
  recipe.config.forEach((file, i) => add(`config.${i}.template`, file.template));
  return spots;
}

/** Placeholders a recipe uses that can never get a value: unknown names, undeclared extra ports. */
export function badPlaceholders(recipe: ProviderRecipe): Array<{ where: string; name: string; reason: string }> {
  return recipeTemplates(recipe).flatMap(({ where, text }) =>
    placeholdersIn(text).flatMap((name) => {
      if (name.startsWith('ports.')) {
        const port = name.slice('ports.'.length);
        return port in recipe.extraPorts
          ? []
          : [{ where, name, reason: `names the extra port "${port}", which extraPorts does not declare` }];
      }
      return KNOWN.has(name) ? [] : [{ where, name, reason: 'is not a known placeholder' }];
    }),
  );
}
