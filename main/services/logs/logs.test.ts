import { readdir } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/temp-dir';
import { LogService } from './logs';

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('LogService', () => {
  it('rotates the file by size and keeps a bounded number of old files', async () => {
    const dir = await tempDir();
    const logs = new LogService({ dir, maxFileSize: '1K', rotatedFiles: 2, flushMs: 5 });
    const out = new PassThrough();
    logs.attach('p', out, 'stdout');
    for (let i = 0; i < 400; i++) out.write(`line ${i} ${'y'.repeat(40)}\n`);
    out.end();
    await settle();
    await logs.close();
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['p.log', 'p.log.1', 'p.log.2']);
  });

  it('keeps memory bounded: the ring holds only the newest lines', async () => {
    const logs = new LogService({ dir: await tempDir(), ringSize: 100, flushMs: 5 });
    const out = new PassThrough();
    logs.attach('p', out, 'stderr', 'worker');
    for (let i = 1; i <= 10_000; i++) out.write(`n=${i}\n`);
    // Ingestion takes a moment; wait for the last line.
    for (let i = 0; i < 200 && logs.tail('p', 1)[0]?.seq !== 10_000; i++) await settle();
    const tail = logs.tail('p', 1_000);
    expect(tail).toHaveLength(100);
    expect(tail.at(-1)).toMatchObject({ text: 'n=10000', stream: 'stderr', process: 'worker', seq: 10_000 });
    expect(logs.tail('p', 5, 9_998).map((l) => l.text)).toEqual(['n=9993', 'n=9994', 'n=9995', 'n=9996', 'n=9997']);
    await logs.close();
  });

  it('searches the files on disk, rotated ones included, with text or a regular expression', async () => {
    const dir = await tempDir();
    const logs = new LogService({ dir, maxFileSize: '1K', rotatedFiles: 3, flushMs: 5 });
    const out = new PassThrough();
    logs.attach('p', out, 'stdout');
    out.write('ERROR early failure\n');
    for (let i = 0; i < 30; i++) out.write(`filler ${i} ${'z'.repeat(40)}\n`);
    out.write('error: late failure\n');
    out.end();
    await settle();
    const text = await logs.search('p', { text: 'error', regex: false, caseSensitive: false, limit: 10 });
    expect(text.matches.map((m) => m.text)).toEqual(['ERROR early failure', 'error: late failure']);
    expect(text.matches[0]!.file).toMatch(/p\.log\.\d$/);
    const regex = await logs.search('p', { text: '^filler (1|2)\\b', regex: true, caseSensitive: true, limit: 1 });
    expect(regex).toMatchObject({ truncated: true, matches: [{ text: expect.stringMatching(/^filler 2 /) }] });
    await expect(logs.search('p', { text: '(', regex: true, caseSensitive: false, limit: 1 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await logs.close();
  });

  it('batches lines into few events and counts what it had to skip', async () => {
    const logs = new LogService({ dir: await tempDir(), flushMs: 20, maxBatch: 100 });
    const batches: Array<{ n: number; dropped: number }> = [];
    logs.on('lines', (b) => batches.push({ n: b.lines.length, dropped: b.dropped }));
    const out = new PassThrough();
    logs.attach('p', out, 'stdout');
    out.write(Array.from({ length: 1000 }, (_, i) => `l${i}`).join('\n') + '\n');
    await settle();
    expect(batches).toEqual([{ n: 100, dropped: 900 }]);
    await logs.close();
  });
});
