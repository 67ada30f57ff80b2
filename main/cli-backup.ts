import path from 'node:path';
import { BACKUP_EXTRAS, type BackupCreated, type BackupExtra, type HelixExport, type RestorePlan } from '../shared/backup';
import type { InstallRun } from '../shared/install';
import { APP_NAME, APP_VERSION } from './app-meta';
import { BUILTIN_RECIPES } from './builtin-recipes/builtin';
import { colours, parse, printJson, runningHost, UsageError, withHost } from './cli-common';
import { ARGS } from './cli-options';
import { installPrinter } from './cli-install';
import { openBaseDir } from './host';
import { waitForRuns } from './install-runs';
import { providerSnapshot } from './provider-snapshot';
import { BackupService } from './services/backup/backup-service';
import { backupFileName } from './services/backup/create-backup';
import { exportHelixCode } from './services/helixcode/helixcode-export';
import { askYesNo } from './cli-ask';

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export async function runBackup(args: string[]): Promise<number> {
  const { values, positionals } = parse('backup', args, ARGS.backup);
  if (positionals.length > 1) throw new UsageError('"backup" takes at most one file name.', 'backup');
  const include = values.include === undefined ? [] : values.include.split(',').map((s) => s.trim());
  const unknown = include.filter((area) => !(BACKUP_EXTRAS as readonly string[]).includes(area));
  if (unknown.length > 0 || (values.include !== undefined && include.length === 0))
    throw new UsageError(
      `--include takes ${BACKUP_EXTRAS.join(', ')} (comma-separated), not "${unknown.join(',') || values.include}".`,
      'backup',
    );
  const extras = include as BackupExtra[];
  const file = path.resolve(positionals[0] ?? backupFileName(new Date()));
  const remote = await runningHost();
  let created: BackupCreated;
  if (remote) {
    try {
      created = await remote.client.invoke('backup.create', { file, ...(extras.length ? { include: extras } : {}) });
    } finally {
      remote.close();
    }
  } else {
    // No host: reading config/ needs no lock, and nothing is started or written but the archive.
    const base = await openBaseDir({ readOnly: true });
    const backups = new BackupService({
      paths: base.paths,
      app: { name: APP_NAME, version: APP_VERSION },
      recipes: () => base.catalog.list().map((entry) => entry.recipe),
      builtins: BUILTIN_RECIPES,
    });
    created = await backups.create({ file, include: extras });
  }
  if (values.json) {
    printJson(created);
    return 0;
  }
  const { manifest } = created;
  const areas = ['config/', ...BACKUP_EXTRAS.filter((a) => manifest.includes[a]).map((a) => `${a}/`)].join(', ');
  console.log(`Backed up ${areas} (${manifest.files.length} files, ${kib(created.bytes)}) to ${created.file}`);
  console.log(
    manifest.providers.length
      ? `Installed providers listed: ${manifest.providers.map((p) => `${p.id}${p.version ? ` ${p.version}` : ''}`).join(', ')}`
      : 'No installed providers to list (built-in and desktop-app providers need no install).',
  );
  const left = BACKUP_EXTRAS.filter((a) => !manifest.includes[a]);
  console.log(`Not included: ${[...left, 'API keys'].join(', ')} (they stay on this machine).`);
  for (const warning of created.warnings) console.log(`${colours().yellow('Warning:')} ${warning}`);
  return 0;
}

export async function runRestore(args: string[]): Promise<number> {
  const { values, positionals } = parse('restore', args, ARGS.restore);
  if (positionals.length !== 1) throw new UsageError('"restore" takes the backup file, e.g. "restore local-llm-backup.tar.gz".', 'restore');
  const file = path.resolve(positionals[0]!);
  const say = values.json ? (line: string) => process.stderr.write(`${line}\n`) : (line: string) => console.log(line);
  return withHost(async (api) => {
    const plan = await api.invoke('backup.inspect', { file });
    say(formatPlan(plan, Boolean(values.reinstall)));
    const confirmed = values.yes || (!values.json && (await askYesNo('Restore this? [y/N] ')));
    if (!confirmed) {
      if (values.json) printJson(plan);
      say(process.stdin.isTTY && !values.json ? 'Not restored: nothing changed.' : 'Not restored: run again with --yes to restore.');
      return 1;
    }
    const seen: InstallRun[] = [];
    const print = installPrinter(say);
    const stopSeeing = api.on('install.progress', (run) => (print(run), seen.push(run)));
    const result = await api.invoke('backup.restore', { file, reinstall: values.reinstall });
    say(`Restored ${result.files.filter((f) => f.change !== 'same').length} file(s) into config/.`);
    if (result.keptAside) say(`What it replaced or removed is in ${result.keptAside}`);
    for (const aside of result.extrasKeptAside ?? []) say(`What it replaced is in ${aside}`);
    let runs: InstallRun[] = [];
    if (result.installing.length > 0) {
      say(`Installing ${result.installing.join(', ')}…`);
      runs = await waitForRuns(result.installing, (listener) => {
        stopSeeing();
        seen.forEach(listener);
        return api.on('install.progress', (run) => (print(run), listener(run)));
      });
    } else stopSeeing();
    const skipped = values.reinstall ? result.toInstall.filter((id) => !result.installing.includes(id)) : [];
    if (skipped.length) say(`Not installed: ${skipped.join(', ')} (a custom recipe to confirm first: "local-llm-manager trust <id>").`);
    if (values.json) printJson({ ...result, installs: runs });
    return runs.every((r) => r.status === 'done') && skipped.length === 0 ? 0 : 1;
  });
}

export async function runExport(args: string[]): Promise<number> {
  const { values, positionals } = parse('export', args, ARGS.export);
  if (positionals.length !== 1 || positionals[0] !== 'helixcode')
    throw new UsageError('"export" takes "helixcode", e.g. "export helixcode --write ~/helixcode/config/config.yaml".', 'export');
  if (values.write === '') throw new UsageError('--write takes the path of HelixCode’s config.yaml.', 'export');
  const file = values.write === undefined ? undefined : path.resolve(values.write);
  const remote = await runningHost();
  let result: HelixExport;
  if (remote) {
    try {
      result = await remote.client.invoke('export.helixcode', file ? { file, write: true } : {});
    } finally {
      remote.close();
    }
  } else {
    const { providers } = await providerSnapshot(await openBaseDir({ readOnly: true }));
    result = await exportHelixCode({ providers, file, write: file !== undefined });
    result.notes.unshift('No host is running: nothing runs now, so no entry is enabled.');
  }
  if (values.json) printJson(result);
  else {
    if (!file) process.stdout.write(result.yaml);
    else console.log(result.keptAside ? `Wrote ${result.file} (the old one is ${result.keptAside}).` : `Wrote ${result.file}.`);
    for (const note of result.notes) console.error(`Note: ${note}`);
  }
  return 0;
}

function formatPlan(plan: RestorePlan, reinstall: boolean): string {
  const c = colours();
  const { manifest } = plan;
  const lines = [`Backup of ${manifest.createdAt} by ${manifest.app.name} ${manifest.app.version}: ${manifest.files.length} files.`];
  const mark = { add: c.green('+ add    '), replace: c.yellow('~ replace'), remove: c.red('- remove '), same: c.dim('= same   ') };
  for (const f of plan.files) if (f.change !== 'same') lines.push(`  ${mark[f.change]} config/${f.path}`);
  for (const f of plan.extraFiles ?? []) if (f.change !== 'same') lines.push(`  ${mark[f.change]} ${f.path}`);
  const same = [...plan.files, ...(plan.extraFiles ?? [])].filter((f) => f.change === 'same').length;
  if (same) lines.push(c.dim(`  (${same} file(s) already the same)`));
  if (plan.trustedRecipes.length)
    lines.push(`Custom recipes it confirms (their commands then run without asking again): ${plan.trustedRecipes.join(', ')}`);
  if (plan.toInstall.length)
    lines.push(
      `Providers it lists that are not installed here: ${plan.toInstall.join(', ')}${reinstall ? ' (will be installed)' : ' (--reinstall installs them)'}`,
    );
  for (const v of plan.otherVersion)
    lines.push(
      `${v.id} is installed here at ${v.here ?? 'an unknown version'}, the backup had ${v.backup ?? 'an unknown version'} ("local-llm-manager update ${v.id}" after restoring).`,
    );
  return lines.join('\n');
}
