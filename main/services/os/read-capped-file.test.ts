import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/temp-dir';
import { readCappedFile } from './read-capped-file';

describe('readCappedFile', () => {
  it('reads a file up to the cap, to the byte', async () => {
    const file = path.join(await tempDir(), 'ok.json');
    await writeFile(file, 'é'.repeat(512)); // 1024 bytes
    expect(await readCappedFile(file, 1024)).toBe('é'.repeat(512));
  });

  it('refuses a file over the cap without reading it, naming the file, its size, the cap and the fix', async () => {
    const file = path.join(await tempDir(), 'big.yaml');
    await writeFile(file, 'x'.repeat(3 * 1024 * 1024));
    await expect(readCappedFile(file, 1024 * 1024)).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: `${file} is 3 MiB, over the 1 MiB this app reads from such a file; it was not read.`,
      hint: expect.stringContaining('shrink it below 1 MiB'),
    });
  });

  it('stops at the cap on a file whose size stat cannot tell (a FIFO fed by a real process)', async () => {
    const dir = await tempDir();
    const fifo = path.join(dir, 'pipe');
    await new Promise<void>((resolve, reject) =>
      spawn('mkfifo', [fifo]).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mkfifo ${code}`)))),
    );
    // `yes` writes forever; the read must end at the cap, not when memory runs out.
    const writer = spawn('sh', ['-c', `exec yes > '${fifo}'`], { stdio: 'ignore' });
    try {
      await expect(readCappedFile(fifo, 64 * 1024)).rejects.toMatchObject({
        code: 'IO_ERROR',
        message: expect.stringContaining('grew past 64 KiB'),
      });
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it('passes OS errors through as they are, so a missing file is told from a big one', async () => {
    await expect(readCappedFile(path.join(await tempDir(), 'absent.json'), 10)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
