import type { ProviderRecipe } from '../../shared/recipe';
import { describePlatform, requiredTools } from '../services/system/compatibility';

const STRATEGY: Record<ProviderRecipe['install']['strategy'], string> = {
  builtin: 'built in',
  git: 'git clone + build',
  python: 'Python venv + pip',
  binary: 'release binary',
  external: 'you install it; detected',
  none: 'nothing to install',
};

function needs(recipe: ProviderRecipe): string {
  const gpu = recipe.requirements.gpu;
  const parts: string[] = [];
  if (gpu?.required)
    parts.push(
      `${gpu.vendors.map((v) => (v === 'nvidia' ? 'NVIDIA' : v === 'amd' ? 'AMD' : v === 'apple' ? 'Apple' : 'Intel')).join('/')} GPU${gpu.minVramGiB ? ` (${gpu.minVramGiB}+ GiB)` : ''}`,
    );
  const tools = requiredTools(recipe).map((t) => {
    const when = recipe.requirements.tools.find((listed) => listed.id === t.id)?.when;
    const only = when ? ` (${[...(when.accelerator ?? []), ...(when.os ?? []), ...(when.arch ?? [])].join('/')} builds)` : '';
    return `${t.id}${t.min ? ` ${t.min}+` : ''}${only}`;
  });
  if (tools.length) parts.push(tools.join(', '));
  const platforms = recipe.platforms.map((p) => describePlatform(p.os, p.arch));
  if (platforms.length < 3) parts.push(platforms.join(', '));
  return parts.join('; ') || '—';
}

/**
 * The README's provider table, made from the built-in recipes so it cannot drift from them
 * (a test compares it with the README).
 */
export function providerTable(recipes: readonly ProviderRecipe[]): string {
  const rows = recipes.map((r) => `| ${r.name} | \`${r.id}\` | ${STRATEGY[r.install.strategy]} | ${r.defaultPort} | ${needs(r)} |`);
  return ['| Provider | id | Install | Port | Needs |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
