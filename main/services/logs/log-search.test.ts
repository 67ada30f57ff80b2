import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/temp-dir';
import { LogService } from './logs';

const query = (text: string, more: Partial<{ regex: boolean; caseSensitive: boolean; limit: number }> = {}) => ({
  text,
  regex: true,
  caseSensitive: false,
  limit: 100,
  ...more,
});

describe('LogService.search', () => {
  it('runs a catastrophic-backtracking pattern over long lines in linear time, the event loop serving meanwhile', async () => {
    const dir = await tempDir();
    // JavaScript's RegExp would take longer than the age of the universe on one of these lines.
    const lines = Array.from({ length: 1_600 }, () => `${'a'.repeat(5_000)}b`);
    lines.splice(200, 0, 'aaaa');
    await writeFile(path.join(dir, 'p.log'), `${lines.join('\n')}\n`);
    const logs = new LogService({ dir });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    try {
      const result = await logs.search('p', query('(a+)+$'));
      expect(result).toEqual({ matches: [{ file: path.join(dir, 'p.log'), line: 201, text: 'aaaa' }], truncated: false });
    } finally {
      clearInterval(ticker);
    }
    // The search yields between chunks (8 MB here, over 120 of them): timers kept running during it.
    expect(ticks).toBeGreaterThanOrEqual(10);
  });

  it('refuses what RE2 leaves out with an error that names it and what to do instead', async () => {
    const logs = new LogService({ dir: await tempDir() });
    await expect(logs.search('p', query('(ab)\\1'))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^Backreferences .* are not supported in log search: it uses a linear-time engine \(RE2\)/),
      hint: expect.stringContaining('plain text'),
    });
    for (const pattern of ['error(?= at)', 'x(?!y)', '(?<=id=)\\d+', '(?<!no )error']) {
      await expect(logs.search('p', query(pattern))).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/^Lookahead and lookbehind .* are not supported in log search/),
      });
    }
    await expect(logs.search('p', query('(unclosed'))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^Not a valid regular expression: .*missing closing \)/),
      hint: expect.stringContaining('turn off regular-expression search'),
    });
  });

  it('matches named groups, classes and case as asked', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'p.log'), 'INFO ready on port 8080\nerror: port 9090 busy\n');
    const logs = new LogService({ dir });
    expect((await logs.search('p', query('(?<kind>error|info).*port \\d{4}'))).matches.map((m) => m.line)).toEqual([1, 2]);
    expect((await logs.search('p', query('^info', { caseSensitive: true }))).matches).toEqual([]);
  });

  it('reads at most maxSearchBytes, the newest, and still numbers lines as in the file', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'p.log.1'), 'old n=0 in the rotated file\n');
    await writeFile(path.join(dir, 'p.log'), Array.from({ length: 100 }, (_, i) => `n=${i + 1}`).join('\n') + '\n');
    const logs = new LogService({ dir, maxSearchBytes: 100 });
    const { matches, truncated } = await logs.search('p', query('n=', { regex: false }));
    expect(truncated).toBe(true);
    expect(matches.at(-1)).toMatchObject({ line: 100, text: 'n=100' });
    expect(matches.length).toBeGreaterThan(10);
    expect(matches.length).toBeLessThan(25);
    for (const match of matches) expect(match.text).toBe(`n=${match.line}`);
  });
});
