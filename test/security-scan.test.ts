import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from './temp-dir';

// electronegativity over the shipped sources (scripts/security-scan.mjs): every HIGH or MEDIUM
// finding must be accepted, with a reason, in docs/security.md.
const SCRIPT = path.resolve(import.meta.dirname, '../scripts/security-scan.mjs');
const DOCS = path.resolve(import.meta.dirname, '../docs/security.md');

interface Finding {
  check: string;
  severity: string;
  file: string;
}
interface ScanResult {
  checks: number;
  issues: Finding[];
  parseErrors: unknown[];
  accepted: { check: string; file: string; reason: string }[];
  unaccepted: Finding[];
}

async function scan(...args: string[]): Promise<{ code: number; result: ScanResult }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT, '--json', ...args], { timeout: 120_000, maxBuffer: 16 << 20 });
    return { code: 0, result: JSON.parse(stdout) as ScanResult };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, result: JSON.parse(failed.stdout ?? '{}') as ScanResult };
  }
}

describe('electronegativity', () => {
  it('finds no HIGH or MEDIUM issue that docs/security.md does not accept, and reads every file', { timeout: 120_000 }, async () => {
    const { code, result } = await scan();
    expect(result.unaccepted).toEqual([]);
    expect(result.parseErrors).toEqual([]);
    expect(code).toBe(0);
    expect(result.checks).toBeGreaterThan(30);
    for (const row of result.accepted) expect(row.reason.length, `${row.check} ${row.file}`).toBeGreaterThan(20);
  });

  it('fails on a finding whose row is missing', { timeout: 120_000 }, async () => {
    const docs = readFileSync(DOCS, 'utf8')
      .split('\n')
      .filter((line) => !line.includes('`OPEN_EXTERNAL_JS_CHECK`'))
      .join('\n');
    const copy = path.join(await tempDir(), 'security.md');
    writeFileSync(copy, docs);
    const { code, result } = await scan('--docs', copy);
    expect(code).toBe(1);
    expect(result.unaccepted).toEqual([expect.objectContaining({ check: 'OPEN_EXTERNAL_JS_CHECK', file: 'main/electron/security.ts' })]);
  });
});
