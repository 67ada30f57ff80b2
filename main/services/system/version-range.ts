/** Numeric, part by part: "3.10" > "3.9", "1.86.0-nightly" = "1.86". Negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => (/\d+(?:\.\d+)*/.exec(v)?.[0] ?? '0').split('.').map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * Whether a Python version meets a specifier like ">=3.10,<3.14" (PEP 440's comparison operators
 * and `==3.11.*`). Enough for the interpreter ranges recipes state; not a full PEP 440 resolver.
 * A clause it cannot read counts as met, so a typo never blocks an install on its own.
 */
export function satisfiesPython(version: string, specifier: string): boolean {
  return specifier
    .split(',')
    .map((clause) => clause.trim())
    .filter(Boolean)
    .every((clause) => meets(version, clause));
}

function meets(version: string, clause: string): boolean {
  const match = /^(~=|===|==|!=|<=|>=|<|>)\s*(\d+(?:\.\d+)*)(\.\*)?$/.exec(clause);
  if (!match) return true;
  const [, op, target, wildcard] = match as unknown as [string, string, string, string | undefined];
  if (wildcard) {
    const prefix = target.split('.');
    const same = prefix.every((part, i) => Number(version.split('.')[i] ?? 0) === Number(part));
    return op === '!=' ? !same : op === '==' ? same : true;
  }
  const cmp = compareVersions(version, target);
  switch (op) {
    case '>=':
      return cmp >= 0;
    case '>':
      return cmp > 0;
    case '<=':
      return cmp <= 0;
    case '<':
      return cmp < 0;
    case '==':
    case '===':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
    case '~=': {
      // ~=3.10 means >=3.10,==3.*; ~=3.10.2 means >=3.10.2,==3.10.*.
      const parts = target.split('.');
      const prefix = parts.slice(0, Math.max(1, parts.length - 1)).join('.');
      return cmp >= 0 && meets(version, `==${prefix}.*`);
    }
    default:
      return true;
  }
}
