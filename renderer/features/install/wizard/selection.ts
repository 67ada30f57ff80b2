import type { ProviderSummary } from '../../../../shared/provider';
import type { RecipeVerdict } from '../../../../shared/system';

export const INSTALLABLE = ['git', 'python', 'binary'] as const;

export interface Candidate {
  provider: ProviderSummary;
  verdict?: RecipeVerdict;
}

export const isInstallable = (c: Candidate) => (INSTALLABLE as readonly string[]).includes(c.provider.installStrategy);

export const isInstalled = (c: Candidate) => !['not-installed', 'installing'].includes(c.provider.state.status);

/**
 * What the wizard ticks for the user: providers it can install that are not installed yet and fit
 * this machine without a warning. One that would run without its GPU (slowly), short of RAM or
 * VRAM, or with a tool missing (each a warning) is left for the user to tick, with its warnings: on a machine
 * without a GPU that used to tick five source builds (about 13 GB and 54 min) that the built-in
 * engine, there already, outruns on the CPU. The rest stay one click away, with the reasons.
 */
export function defaultSelection(candidates: Candidate[]): string[] {
  return candidates.filter((c) => isInstallable(c) && !isInstalled(c) && c.verdict?.verdict === 'fits').map((c) => c.provider.id);
}

/** Installable first, then desktop apps to get by hand, then what does not fit; by name within each. */
export function orderCandidates(candidates: Candidate[]): Candidate[] {
  const rank = (c: Candidate) => (c.verdict?.verdict === 'does-not-fit' ? 2 : isInstallable(c) ? 0 : 1);
  return [...candidates].sort((a, b) => rank(a) - rank(b) || a.provider.name.localeCompare(b.provider.name));
}

/** "about 9 GB, 10 min" for the chosen ones together. */
export function totalEstimate(estimates: Array<{ diskGiB: number; minutes: number } | undefined>): {
  diskGiB: number;
  minutes: number;
  unknown: number;
} {
  return estimates.reduce<{ diskGiB: number; minutes: number; unknown: number }>(
    (sum, e) => (e ? { ...sum, diskGiB: sum.diskGiB + e.diskGiB, minutes: sum.minutes + e.minutes } : { ...sum, unknown: sum.unknown + 1 }),
    { diskGiB: 0, minutes: 0, unknown: 0 },
  );
}

/**
 * Left free beside the installs: the rest of the machine still writes. Larger than the 64 MiB the
 * host keeps beside a download, whose size is exact, where an install's is an estimate.
 */
const DISK_MARGIN_BYTES = 1024 ** 3;

/**
 * Whether the chosen installs, at their estimates, would not fit on the disk with a margin to
 * spare: the wizard says so before a 15-minute build stops at "No space left on device".
 */
export function lacksDiskRoom(total: { diskGiB: number }, freeBytes: number | undefined): boolean {
  return freeBytes !== undefined && total.diskGiB > 0 && total.diskGiB * 1024 ** 3 + DISK_MARGIN_BYTES > freeBytes;
}
