const UNITS = ['B', 'KiB', 'MiB', 'GiB'] as const;

/**
 * Binary units with one decimal. Stops at GiB on purpose: RAM, VRAM and disk then read in the
 * same unit side by side ("1862.6 GiB" rather than "1.8 TiB" next to "23.5 GiB").
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}
