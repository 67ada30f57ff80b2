import type { InstallStep, ProcessSpec, ProviderRecipe } from './recipe';

/** One command as a recipe writes it: placeholders such as {dataDir} are shown unexpanded. */
export interface CommandView {
  name: string;
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Machines it runs on, when limited ("os linux; accelerator nvidia"). */
  when?: string;
}

/**
 * Everything a recipe makes this machine run, for a person to read before the first install or
 * start of a custom (user) recipe. `hash` covers exactly what runs; confirming stores it, and an
 * edit of any of these parts changes it, so the next install or start asks again.
 */
export interface RecipeCommands {
  id: string;
  name: string;
  origin: 'builtin' | 'user';
  /** The YAML file, for user recipes. */
  file?: string;
  hash: string;
  /** Built-ins ship with the app and are always trusted; a user recipe once its hash is confirmed. */
  trusted: boolean;
  install: {
    strategy: ProviderRecipe['install']['strategy'];
    /** What is fetched: a clone, packages, downloads (with their checksum or "unverified"). */
    fetches: string[];
    steps: CommandView[];
  };
  start: CommandView[];
  stop?: string[];
  /** Files written under config/<id>/ from the recipe's templates (start commands may read or run them). */
  configFiles: string[];
}

const whenText = (when: InstallStep['when']) =>
  when
    ? Object.entries(when)
        .map(([key, values]) => `${key} ${(values as string[]).join(', ')}`)
        .join('; ')
    : undefined;

const stepView = (step: InstallStep): CommandView => ({
  name: step.name,
  argv: step.argv,
  env: step.env,
  ...(step.cwd ? { cwd: step.cwd } : {}),
  ...(step.when ? { when: whenText(step.when) } : {}),
});

const processView = (spec: ProcessSpec): CommandView => ({
  name: spec.name,
  argv: spec.argv,
  env: spec.env,
  ...(spec.cwd ? { cwd: spec.cwd } : {}),
});

/** The commands of a recipe, as written in it (pure: the host adds hash, origin and trust). */
export function recipeCommandsOf(recipe: ProviderRecipe): Pick<RecipeCommands, 'install' | 'start' | 'stop' | 'configFiles'> {
  const install = recipe.install;
  const fetches: string[] = [];
  let steps: CommandView[] = [];
  switch (install.strategy) {
    case 'git':
      fetches.push(`git clone ${recipe.repository ?? '(no repository)'}${recipe.version ? ` at ${recipe.version}` : ''}`);
      if (install.python) fetches.push(`Python ${install.python} virtual environment in {dataDir}/venv`);
      steps = install.build.map(stepView);
      break;
    case 'python':
      fetches.push(`Python ${install.python} virtual environment in {dataDir}/venv`, `pip install ${install.packages.join(' ')}`);
      steps = install.build.map(stepView);
      break;
    case 'binary':
      for (const asset of install.assets) {
        const check = asset.sha256
          ? `sha256 ${asset.sha256}`
          : asset.sha256 === null
            ? 'no checksum known: refused unless one is set'
            : 'unverified (https only)';
        fetches.push(`download for ${asset.os}/${asset.arch}: ${asset.url} (${check}), run as {dataDir}/${asset.executable}`);
      }
      break;
    case 'external':
    case 'none':
    case 'builtin':
      break;
  }
  return {
    install: { strategy: install.strategy, fetches, steps },
    start: recipe.start.map(processView),
    ...(recipe.stop ? { stop: recipe.stop } : {}),
    configFiles: recipe.config.map((c) => c.file),
  };
}
