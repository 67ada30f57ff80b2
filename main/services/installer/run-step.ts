import path from 'node:path';
import { expandPlaceholders } from '../supervision/placeholders';
import type { PlannedStep } from './plan';
import type { StepContext } from './step-context';
import { downloadAsset, unpackAsset } from './steps/binary-asset';
import { writeConfigFiles } from './steps/configure';
import { checkoutVersion, cloneRepository } from './steps/git-checkout';
import { createVenv, installPackages } from './steps/python-env';
import { runCommand } from './steps/run-command';
import { writeStartScript } from './steps/start-script';

/** Runs one planned step with the runner of its kind. */
export async function runStep(ctx: StepContext, step: PlannedStep): Promise<void> {
  switch (step.kind) {
    case 'clone':
      return cloneRepository(ctx, step.repository, step.version);
    case 'checkout':
      return checkoutVersion(ctx, step.repository, step.version);
    case 'venv':
      return createVenv(ctx, step.python);
    case 'packages':
      return installPackages(ctx, step.packages);
    case 'download':
      return downloadAsset(ctx, step.asset);
    case 'unpack':
      return unpackAsset(ctx, step.asset);
    case 'command': {
      const where = `install.build.${step.id.slice('build-'.length)}`;
      const argv = step.step.argv.map((arg, i) => expandPlaceholders(arg, ctx.values, `${where}.argv.${i}`));
      const env = Object.fromEntries(
        Object.entries(step.step.env).map(([k, v]) => [k, expandPlaceholders(v, ctx.values, `${where}.env.${k}`)]),
      );
      const cwd = step.step.cwd ? path.resolve(ctx.dataDir, expandPlaceholders(step.step.cwd, ctx.values, `${where}.cwd`)) : ctx.dataDir;
      return runCommand(ctx, argv, { cwd, env, ...(step.step.argv[0] === '{node}' ? { runtime: 'node' as const } : {}) });
    }
    case 'configure':
      return writeConfigFiles(ctx);
    case 'scripts':
      return writeStartScript(ctx);
  }
}
