import type { InstallRun } from '../shared/install';
import { colours, parse, UsageError, withHost } from './cli-common';
import { ARGS } from './cli-options';
import { formatRecipeCommands } from './cli-format';
import { FINISHED, waitForRuns } from './install-runs';
import { askYesNo } from './cli-ask';

/**
 * One line per step as it starts and ends; the failure with its log tail at the end. On a terminal
 * each line carries a bar of the steps done so far, in colour.
 */
export function installPrinter(write: (line: string) => void = console.log, c = colours()) {
  const shown = new Map<string, string>();
  return (run: InstallRun) => {
    run.steps.forEach((step, i) => {
      const key = `${run.providerId}:${step.id}`;
      if (shown.get(key) === step.status || step.status === 'pending') return;
      shown.set(key, step.status);
      const mark = { running: c.yellow('…'), done: c.green('✓'), failed: c.red('✗'), cancelled: '–' }[step.status];
      const done = run.steps.filter((s) => s.status === 'done').length;
      const bar = c.enabled ? `${c.green('█'.repeat(done))}${c.dim('░'.repeat(run.steps.length - done))} ` : '';
      write(`${run.providerId}: ${bar}[${i + 1}/${run.steps.length}] ${mark} ${step.title}`);
    });
    if (!FINISHED.has(run.status) || shown.get(run.providerId) === run.status) return;
    shown.set(run.providerId, run.status);
    write(`${run.providerId}: ${run.action} ${run.status}${run.status === 'done' ? '' : `; log: ${run.logFile}`}`);
    if (run.failure) {
      write(`  step: ${run.failure.step}${run.failure.exitCode !== undefined ? ` (exit code ${run.failure.exitCode})` : ''}`);
      write(`  ${run.failure.message}`);
      for (const line of run.failure.logTail) write(`  | ${line}`);
    }
  };
}

async function runInstalls(ids: string[] | 'all-installed', action: 'install' | 'update'): Promise<number> {
  const runs = await withHost(async (api) => {
    const print = installPrinter();
    // Listen before starting, so no event is missed; aliases (koboldai) resolve to the ids the runs carry.
    const seen: InstallRun[] = [];
    const stopSeeing = api.on('install.progress', (run) => (print(run), seen.push(run)));
    const targets =
      ids === 'all-installed'
        ? (await api.invoke('providers.list')).providers
            .filter((p) => p.installStrategy !== 'builtin' && p.installStrategy !== 'external' && p.installStrategy !== 'none')
            .filter((p) => p.state.status !== 'not-installed' && p.state.status !== 'installing' && p.state.status !== 'external')
            .map((p) => p.id)
        : ids;
    if (targets.length === 0) {
      stopSeeing();
      console.log('Nothing to update: no provider is installed from a repository or download.');
      return [];
    }
    const started: InstallRun[] = action === 'install' ? await api.invoke('install.start', { ids: targets }) : [];
    // Updates run one after another: each is a queued run in the installer anyway.
    if (action === 'update') for (const id of targets) started.push(await api.invoke('install.update', { id }));
    started.forEach(print);
    return waitForRuns(
      started.map((r) => r.providerId),
      (listener) => {
        stopSeeing();
        seen.forEach(listener);
        return api.on('install.progress', (run) => (print(run), listener(run)));
      },
    );
  });
  return runs.every((r) => r.status === 'done') ? 0 : 1;
}

export async function runInstall(args: string[]): Promise<number> {
  const { positionals } = parse('install', args, ARGS.install);
  if (positionals.length === 0) throw new UsageError('"install" takes one or more provider ids, e.g. "install vllm localai".', 'install');
  return runInstalls(positionals, 'install');
}

export async function runUpdate(args: string[]): Promise<number> {
  const { values, positionals } = parse('update', args, ARGS.update);
  if (Boolean(values.all) === positionals.length > 0) throw new UsageError('"update" takes provider ids or --all.', 'update');
  return runInstalls(values.all ? 'all-installed' : positionals, 'update');
}

export async function runUninstall(args: string[]): Promise<number> {
  const { values, positionals } = parse('uninstall', args, ARGS.uninstall);
  if (positionals.length !== 1) throw new UsageError('"uninstall" takes exactly one provider id.', 'uninstall');
  const removed = await withHost((api) => api.invoke('install.uninstall', { id: positionals[0]!, keepConfig: !values['remove-config'] }));
  console.log(removed.removed.length ? `Removed:\n  ${removed.removed.join('\n  ')}` : 'Nothing to remove.');
  return 0;
}

export async function runCleanup(args: string[]): Promise<number> {
  parse('cleanup', args, ARGS.cleanup);
  const report = await withHost((api) => api.invoke('install.cleanup'));
  for (const item of report.removed) console.log(`  ${(item.bytes / 1024 / 1024).toFixed(1).padStart(8)} MB  ${item.path} (${item.why})`);
  console.log(`Freed ${(report.freedBytes / 1024 / 1024).toFixed(1)} MB.`);
  return 0;
}

export async function runTrust(args: string[]): Promise<number> {
  const { values, positionals } = parse('trust', args, ARGS.trust);
  if (positionals.length !== 1) throw new UsageError('"trust" takes exactly one provider id, e.g. "trust my-server".', 'trust');
  return withHost(async (api) => {
    const commands = await api.invoke('providers.commands', { id: positionals[0]! });
    console.log(formatRecipeCommands(commands));
    if (commands.trusted) {
      console.log(commands.origin === 'builtin' ? 'A built-in recipe: nothing to confirm.' : 'Already confirmed as it is.');
      return 0;
    }
    const confirmed = values.yes || (await askYesNo('Run these commands on this machine when it is installed or started? [y/N] '));
    if (!confirmed) {
      console.log(
        process.stdin.isTTY ? 'Not confirmed: nothing changed.' : 'Not confirmed: run again with --yes to confirm these commands.',
      );
      return 1;
    }
    await api.invoke('providers.trust', { id: commands.id, hash: commands.hash });
    console.log(`Confirmed: ${commands.name} may now be installed and started.`);
    return 0;
  });
}
