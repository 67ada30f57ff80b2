const SUFFIXES = ['', 'K', 'M', 'B', 'T'] as const;

/**
 * Large counts the way model cards write them: "124M", "7.2B", "8B". One decimal below 100,
 * none above, and a trailing ".0" dropped so round sizes read like model names do.
 */
export function formatCount(count: number): string {
  if (!Number.isFinite(count) || count < 0) return '—';
  let value = count;
  let unit = 0;
  // Compare the rounded value, so 999,960 becomes "1M" rather than "1000K".
  while (unit < SUFFIXES.length - 1 && Number(value.toFixed(value < 100 ? 1 : 0)) >= 1000) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return String(Math.round(value));
  const text = value.toFixed(value < 100 ? 1 : 0).replace(/\.0$/, '');
  return `${text}${SUFFIXES[unit]}`;
}

/** Thousands separators fixed to "4,096" whatever the machine's locale, so pages read the same everywhere. */
export function formatInteger(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '—';
}
