import type { Accelerator, InstallStep, ProviderRecipe } from '../../../shared/recipe';
import type { ProviderOverride } from '../../../shared/settings';
import { AppFailure } from '../../../shared/errors';
import { assetFor, type BinaryAsset } from './steps/binary-asset';

export interface MachineForPlan {
  os: NodeJS.Platform;
  arch: string;
  accelerator: Accelerator;
}

export type PlannedStep =
  | { id: 'clone'; title: string; kind: 'clone'; repository: string; version?: string }
  | { id: 'checkout'; title: string; kind: 'checkout'; repository: string; version?: string }
  | { id: 'venv'; title: string; kind: 'venv'; python: string }
  | { id: 'packages'; title: string; kind: 'packages'; packages: string[] }
  | { id: 'download'; title: string; kind: 'download'; asset: BinaryAsset }
  | { id: 'unpack'; title: string; kind: 'unpack'; asset: BinaryAsset }
  | { id: `build-${number}`; title: string; kind: 'command'; step: InstallStep }
  | { id: 'configure'; title: string; kind: 'configure' }
  | { id: 'scripts'; title: string; kind: 'scripts' };

/** The accelerator install steps are chosen for: the strongest GPU vendor present. */
export function machineForPlan(profile: { platform: string; arch: string; gpus: ReadonlyArray<{ vendor: string }> }): MachineForPlan {
  const vendors = new Set(profile.gpus.map((g) => g.vendor));
  const accelerator = (['nvidia', 'amd', 'apple', 'intel'] as const).find((v) => vendors.has(v)) ?? 'none';
  return { os: profile.platform as NodeJS.Platform, arch: profile.arch, accelerator };
}

const matches = (step: InstallStep, machine: MachineForPlan) =>
  (!step.when?.os || step.when.os.includes(machine.os as never)) &&
  (!step.when?.arch || step.when.arch.includes(machine.arch as never)) &&
  (!step.when?.accelerator || step.when.accelerator.includes(machine.accelerator));

/**
 * The steps that install (or update) a recipe on this machine, with the user's overrides
 * (repository, version, build steps, packages) applied. Pure: the same inputs give the same plan,
 * which is how a resumed install knows which steps are done.
 */
export function planInstall(
  recipe: ProviderRecipe,
  override: ProviderOverride,
  machine: MachineForPlan,
  action: 'install' | 'update',
): PlannedStep[] {
  const install = recipe.install;
  const custom = override.install ?? {};
  const version = custom.version ?? recipe.version;
  const steps: PlannedStep[] = [];
  const build = (list: InstallStep[]) =>
    list
      .filter((s) => matches(s, machine))
      .forEach((step, i) => steps.push({ id: `build-${i}`, title: `Build: ${step.name}`, kind: 'command', step }));

  switch (install.strategy) {
    case 'git': {
      const repository = custom.repository ?? recipe.repository;
      if (!repository)
        throw new AppFailure({
          code: 'BAD_REQUEST',
          message: `${recipe.name} has no repository to clone.`,
          hint: 'Set one in the recipe or in settings (providers.<id>.install.repository).',
        });
      steps.push(
        action === 'update'
          ? { id: 'checkout', title: `Fetch and check out ${version ?? 'the latest version'}`, kind: 'checkout', repository, version }
          : { id: 'clone', title: `Clone ${repository}${version ? ` at ${version}` : ''}`, kind: 'clone', repository, version },
      );
      if (install.python && action === 'install')
        steps.push({ id: 'venv', title: `Create a Python ${install.python} virtual environment`, kind: 'venv', python: install.python });
      build(custom.build ?? install.build);
      break;
    }
    case 'python': {
      const packages = custom.packages ?? install.packages;
      if (action === 'install')
        steps.push({ id: 'venv', title: `Create a Python ${install.python} virtual environment`, kind: 'venv', python: install.python });
      steps.push({ id: 'packages', title: `Install ${packages.join(', ')}`, kind: 'packages', packages });
      build(custom.build ?? install.build);
      break;
    }
    case 'binary': {
      const asset = assetFor(install.assets, machine.os, machine.arch);
      if (!asset) {
        throw new AppFailure({
          code: 'CONFLICT',
          message: `${recipe.name} has no download for ${machine.os}/${machine.arch}.`,
          hint: `Available: ${install.assets.map((a) => `${a.os}/${a.arch}`).join(', ')}.`,
        });
      }
      const verified = withChecksum(recipe, asset, custom.sha256);
      steps.push({ id: 'download', title: `Download ${new URL(asset.url).pathname.split('/').pop()}`, kind: 'download', asset: verified });
      steps.push({ id: 'unpack', title: 'Unpack', kind: 'unpack', asset: verified });
      break;
    }
    case 'external':
      throw new AppFailure({
        code: 'CONFLICT',
        message: `${recipe.name} is a desktop app that installs itself; Local LLM Manager detects it once it is there.`,
        hint: `Download it from ${install.downloadUrl}, then refresh.`,
      });
    case 'none':
    case 'builtin':
      throw new AppFailure({ code: 'CONFLICT', message: `${recipe.name} needs no install.`, hint: 'Start it from the Providers page.' });
  }
  if (recipe.config.length > 0)
    steps.push({
      id: 'configure',
      title: `Write config/${recipe.id}/ (${recipe.config.map((c) => c.file).join(', ')})`,
      kind: 'configure',
    });
  if (recipe.start.length > 0) steps.push({ id: 'scripts', title: `Write the start script bin/${recipe.id}.sh`, kind: 'scripts' });
  return steps;
}

/**
 * The asset with the checksum it is verified against: the user's (settings) over the recipe's.
 * A recipe that says it has none for this release (`null`) refuses here, before any byte is
 * fetched: we never run a downloaded program nobody vouched for.
 */
function withChecksum(recipe: ProviderRecipe, asset: BinaryAsset, override: string | undefined): BinaryAsset {
  const sha256 = override?.toLowerCase() ?? asset.sha256;
  if (sha256 === null) {
    throw new AppFailure({
      code: 'CONFLICT',
      message: `No pinned checksum for ${recipe.name}${recipe.version ? ` ${recipe.version}` : ''}'s ${asset.os}/${asset.arch} download (${asset.url}), so it will not be installed unverified.`,
      hint: `Check the file's sha256 against what the project publishes and set it in settings as providers.${recipe.id}.install.sha256, or add a custom recipe (config/providers.d/) whose asset has a sha256.`,
    });
  }
  return { ...asset, sha256 };
}
