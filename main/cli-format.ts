import type { RunningModel } from '../shared/on-demand';
import type { CatalogProblem, ProviderState, ProviderSummary } from '../shared/provider';
import type { SettingsState } from '../shared/settings';
import { SETTING_ENV_VARS, type SettingKey } from '../shared/settings';
import type { SystemInfo } from '../shared/system';
import type { CommandView, RecipeCommands } from '../shared/recipe-commands';

const GIB = 1024 ** 3;
const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;

/** Human-readable `system` output for the CLI. */
export function formatSystemInfo(info: SystemInfo): string {
  const lines = [
    `OS:      ${info.os.distro} ${info.os.release} (${info.os.platform}, kernel ${info.os.kernel}, ${info.os.arch})`,
    `CPU:     ${info.cpu.model} — ${info.cpu.physicalCores} physical / ${info.cpu.logicalCores} logical cores`,
    `Memory:  ${gib(info.memory.totalBytes)} total, ${gib(info.memory.availableBytes)} available`,
    `Disk:    ${gib(info.disk.freeBytes)} free of ${gib(info.disk.totalBytes)} at ${info.disk.path}`,
    'Tools:',
  ];
  const width = Math.max(...info.tools.map((tool) => tool.id.length));
  for (const tool of info.tools) {
    const status = !tool.found ? 'not found' : (tool.version ?? `found, ${tool.error ?? 'version unknown'}`);
    lines.push(`  ${tool.id.padEnd(width)}  ${status}${tool.path ? `  (${tool.path})` : ''}`);
  }
  return lines.join('\n');
}

/** Human-readable `settings` output for the CLI. */
export function formatSettings(state: SettingsState): string {
  const lines = [`Base directory: ${state.baseDir.path} (${state.baseDir.source})`, `Settings file:  ${state.file}`];
  for (const [key, value] of Object.entries(state.values)) {
    const source = state.sources[key as SettingKey];
    const from = source === 'env' ? `from ${SETTING_ENV_VARS[key as SettingKey]}` : source;
    const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
    lines.push(`  ${key.padEnd(22)} ${shown.padEnd(8)} ${from}`);
  }
  for (const problem of state.problems) lines.push(`Problem: ${problem.message} ${problem.hint}`);
  return lines.join('\n');
}

/** One provider state as a line (and its last error below it). */
export function formatState(state: ProviderState): string {
  const where = state.port ? ` on port ${state.port}` : '';
  const lines = [`${state.id}: ${state.status}${where}${state.pid ? ` (pid ${state.pid})` : ''} — ${state.reason}`];
  if (state.status === 'failed' && state.lastError) {
    if (state.lastError.hint) lines.push(`Fix: ${state.lastError.hint}`);
    for (const line of state.lastError.logTail?.slice(-10) ?? []) lines.push(`  | ${line}`);
  }
  return lines.join('\n');
}

/** The `status` table: the spec's GetProviderStatus, for people; then the models the gateway loaded on demand. */
export function formatProviders(
  providers: ProviderSummary[],
  problems: CatalogProblem[],
  live: boolean,
  onDemand: RunningModel[] = [],
): string {
  const rows = providers.map((p) => [
    p.id,
    p.state.status,
    p.state.port ? String(p.state.port) : `(${p.defaultPort})`,
    p.state.pid ? String(p.state.pid) : '-',
    p.compatibility.runnable ? p.state.reason : `cannot run here: ${p.compatibility.reasons.join('; ')}`,
  ]);
  for (const m of onDemand) {
    const until = m.unloadsAt ? `unloads at ${new Date(m.unloadsAt).toLocaleTimeString()} unless used` : 'kept loaded';
    rows.push([
      m.instanceId,
      m.state,
      m.port ? String(m.port) : '-',
      m.pid ? String(m.pid) : '-',
      `${m.id}, loaded on demand by the gateway; ${m.inFlight ? `${m.inFlight} in flight` : until}`,
    ]);
  }
  const header = ['ID', 'STATUS', 'PORT', 'PID', 'NOTE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const out = [line(header), ...rows.map(line)];
  if (!live) {
    const left = providers.some((p) => p.state.status === 'running') ? ', and what a host that was killed left running' : '';
    out.unshift(`No host is running: showing what is installed${left}. (Start one with "local-llm-manager serve".)`);
  }
  for (const problem of problems)
    out.push(`Problem in ${problem.file}${problem.field ? ` (${problem.field})` : ''}: ${problem.message} ${problem.hint}`);
  return out.join('\n');
}

/** A custom recipe's commands as the confirmation dialog shows them, for the terminal. */
export function formatRecipeCommands(commands: RecipeCommands): string {
  const command = (c: CommandView) => {
    const env = Object.entries(c.env)
      .map(([k, v]) => `${k}=${v} `)
      .join('');
    const where = [c.cwd ? `in ${c.cwd}` : '', c.when ? `when ${c.when}` : ''].filter(Boolean).join(', ');
    return `    ${c.name}: ${env}${c.argv.join(' ')}${where ? `   (${where})` : ''}`;
  };
  const lines = [`${commands.name} (${commands.id}), ${commands.file ?? commands.origin}`, `  Install (${commands.install.strategy}):`];
  for (const fetch of commands.install.fetches) lines.push(`    fetch: ${fetch}`);
  lines.push(...commands.install.steps.map(command));
  lines.push('  Start:', ...commands.start.map(command));
  if (commands.stop) lines.push(`  Stop: ${commands.stop.join(' ')}`);
  if (commands.configFiles.length) lines.push(`  Config files: ${commands.configFiles.join(', ')}`);
  return lines.join('\n');
}
