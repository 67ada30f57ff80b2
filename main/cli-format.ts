import type { SettingsState } from '../shared/settings';
import { SETTING_ENV_VARS, type SettingKey } from '../shared/settings';
import type { SystemInfo } from '../shared/system';

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
