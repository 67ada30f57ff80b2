import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/closed-port';
import { tempDir } from '../../../test/temp-dir';
import { ModelDownloads } from './downloads';

const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/** A real (plain) HTTP server sending `body` slowly (so downloads from it give a sha256), with or without Range support, recording the Range headers it got. */
async function serve(body: Buffer, options: { ranges: boolean }) {
  const ranges: Array<string | undefined> = [];
  const server = createServer(async (req, res) => {
    ranges.push(req.headers.range);
    let start = 0;
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (options.ranges && match) {
      start = Number(match[1]);
      if (start >= body.length) {
        res.writeHead(416).end();
        return;
      }
      res.writeHead(206, { 'Content-Length': body.length - start, 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` });
    } else {
      res.writeHead(200, { 'Content-Length': body.length });
    }
    for (let i = start; i < body.length && !res.destroyed; i += 64 * 1024) {
      res.write(body.subarray(i, Math.min(i + 64 * 1024, body.length)));
      await new Promise((r) => setTimeout(r, 25));
    }
    res.end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/repo/resolve/main/tiny.gguf`, ranges };
}

async function setup() {
  const base = await tempDir();
  const modelsDir = path.join(base, 'models');
  const partDir = path.join(base, 'cache', 'downloads');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(modelsDir, { recursive: true });
  return { modelsDir, partDir, downloads: new ModelDownloads(modelsDir, partDir) };
}

const body = randomBytes(2 * 1024 * 1024);
const sha256 = createHash('sha256').update(body).digest('hex');

describe('ModelDownloads', () => {
  it('downloads, checks the sha256 and renames into models/', async () => {
    const { downloads, modelsDir } = await setup();
    const { url } = await serve(body, { ranges: true });
    const progress: number[] = [];
    downloads.on('progress', (s) => progress.push(s.receivedBytes));
    const started = await downloads.start({ url, sha256 });
    expect(started.file).toBe('tiny.gguf');
    const done = await downloads.settled(started.id);
    expect(done).toMatchObject({ status: 'done', receivedBytes: body.length, totalBytes: body.length });
    expect((await readFile(path.join(modelsDir, 'tiny.gguf'))).equals(body)).toBe(true);
    expect(progress.length).toBeGreaterThan(2);
  });

  it('resumes after a cancel from the byte it reached, with a Range request', async () => {
    const { downloads, modelsDir, partDir } = await setup();
    const { url, ranges } = await serve(body, { ranges: true });
    const started = await downloads.start({ url, sha256 });
    await new Promise<void>((resolve) => downloads.on('progress', (s) => s.receivedBytes > 300_000 && resolve()));
    const paused = await downloads.cancel(started.id);
    expect(paused.status).toBe('paused');
    expect(await readdir(modelsDir)).toEqual([]); // never a half file among the models
    const reached = (await stat(path.join(partDir, 'tiny.gguf.part'))).size;
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThan(body.length);

    downloads.resume(started.id);
    expect((await downloads.settled(started.id)).status).toBe('done');
    expect(ranges.at(-1)).toBe(`bytes=${reached}-`);
    expect((await readFile(path.join(modelsDir, 'tiny.gguf'))).equals(body)).toBe(true);
  });

  it('resumes a download a crashed session left behind', async () => {
    const first = await setup();
    const { url, ranges } = await serve(body, { ranges: true });
    const started = await first.downloads.start({ url, sha256 });
    await new Promise<void>((resolve) => first.downloads.on('progress', (s) => s.receivedBytes > 300_000 && resolve()));
    await first.downloads.cancel(started.id);

    const again = new ModelDownloads(first.modelsDir, first.partDir);
    await again.restore();
    const [restored] = again.list();
    expect(restored).toMatchObject({ id: started.id, status: 'paused', file: 'tiny.gguf' });
    again.resume(started.id);
    expect((await again.settled(started.id)).status).toBe('done');
    expect(ranges.at(-1)).toMatch(/^bytes=\d+-$/);
    expect((await readFile(path.join(first.modelsDir, 'tiny.gguf'))).equals(body)).toBe(true);
  });

  it('rejects and removes a file whose checksum does not match', async () => {
    const { downloads, modelsDir, partDir } = await setup();
    const { url } = await serve(body, { ranges: true });
    const started = await downloads.start({ url, sha256: '0'.repeat(64) });
    const failed = await downloads.settled(started.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain(`got ${sha256}`);
    expect(await readdir(modelsDir)).toEqual([]);
    expect(await readdir(partDir)).toEqual([]);
  });

  it('refuses, before a byte is written, a file larger than the free space on the disk', async () => {
    const { downloads, modelsDir, partDir } = await setup();
    // A real server announcing a file far larger than any disk here (1 PiB), then sending a little.
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': String(1024 ** 5) });
      res.write(Buffer.alloc(1024));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/huge.gguf`;
    const started = await downloads.start({ url, sha256 });
    const failed = await downloads.settled(started.id);
    expect(failed).toMatchObject({ status: 'failed', receivedBytes: 0, totalBytes: 1024 ** 5 });
    expect(failed.error).toMatch(
      /^huge\.gguf needs 1048576\.0 GiB more, and the disk holding .* has [\d.]+ GiB free .*Free some disk space/,
    );
    expect(await readdir(partDir)).not.toContain('huge.gguf.part');
    expect(await readdir(modelsDir)).toEqual([]);
  });

  it('says the disk filled up, with what arrived, and Retry goes on once there is room', async () => {
    const { downloads, modelsDir, partDir } = await setup();
    const { url } = await serve(body, { ranges: true });
    // The kernel's own full disk: every write to /dev/full fails with ENOSPC.
    const { mkdir, rm, symlink } = await import('node:fs/promises');
    await mkdir(partDir, { recursive: true });
    const part = path.join(partDir, 'tiny.gguf.part');
    await symlink('/dev/full', part);
    const started = await downloads.start({ url, sha256 });
    const failed = await downloads.settled(started.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(
      /^The disk filled up: tiny\.gguf stopped at 0 B of 2\.0 MiB, and the disk holding .* has [\d.]+ [KMG]iB free\. Free some space, then Retry/,
    );

    await rm(part);
    expect(downloads.resume(started.id).status).toBe('downloading');
    expect(await downloads.settled(started.id)).toMatchObject({ status: 'done', receivedBytes: body.length });
    expect((await readFile(path.join(modelsDir, 'tiny.gguf'))).equals(body)).toBe(true);
  });

  it('says why a server could not be reached, or why its answer broke off; Retry resumes', async () => {
    const { downloads, modelsDir } = await setup();
    const refused = await closedPort();
    const unreachable = await downloads.start({ url: `http://127.0.0.1:${refused}/a/tiny.gguf`, sha256 });
    expect((await downloads.settled(unreachable.id)).error).toBe(
      `Could not reach 127.0.0.1:${refused}: the connection was refused (nothing listens at that address and port). Check the address and the network, then retry.`,
    );
    await downloads.remove(unreachable.id);

    // The first answer stops after 1 MiB and the connection drops; later ones serve the rest (Range).
    let cut = false;
    const flaky = createServer((req, res) => {
      const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
      if (!cut) {
        cut = true;
        res.writeHead(200, { 'Content-Length': body.length });
        res.write(body.subarray(0, 1024 * 1024), () => setTimeout(() => res.socket?.destroy(), 50));
        return;
      }
      res.writeHead(206, { 'Content-Length': body.length - start, 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` });
      res.end(body.subarray(start));
    });
    servers.push(flaky);
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const port = (flaky.address() as { port: number }).port;
    const started = await downloads.start({ url: `http://127.0.0.1:${port}/a/tiny.gguf`, sha256 });
    const failed = await downloads.settled(started.id);
    expect(failed.error).toBe(
      `The connection to 127.0.0.1:${port} broke off: the other side closed the connection. Check the network, then retry.`,
    );
    expect(failed.receivedBytes).toBeGreaterThan(0);
    downloads.resume(started.id);
    expect(await downloads.settled(started.id)).toMatchObject({ status: 'done', receivedBytes: body.length });
    expect((await readFile(path.join(modelsDir, 'tiny.gguf'))).equals(body)).toBe(true);
  });

  it('shows the bytes really on disk when a download stops between progress reports', async () => {
    const { downloads, partDir } = await setup();
    const { url } = await serve(body, { ranges: true });
    const started = await downloads.start({ url, sha256 });
    await new Promise<void>((resolve) => downloads.on('progress', (s) => s.receivedBytes > 0 && resolve()));
    const paused = await downloads.cancel(started.id);
    expect(paused.status).toBe('paused');
    expect(paused.receivedBytes).toBe((await stat(path.join(partDir, 'tiny.gguf.part'))).size);
  });

  it('restarts cleanly from zero when the server ignores Range', async () => {
    const { downloads, modelsDir } = await setup();
    const { url, ranges } = await serve(body, { ranges: false });
    const started = await downloads.start({ url, sha256 });
    await new Promise<void>((resolve) => downloads.on('progress', (s) => s.receivedBytes > 300_000 && resolve()));
    await downloads.cancel(started.id);
    downloads.resume(started.id);
    expect((await downloads.settled(started.id)).status).toBe('done');
    expect(ranges.at(-1)).toMatch(/^bytes=\d+-$/); // asked, the server answered 200 with everything
    expect((await readFile(path.join(modelsDir, 'tiny.gguf'))).equals(body)).toBe(true);
  });

  it('refuses a URL without a .gguf name unless one is given', async () => {
    const { downloads } = await setup();
    await expect(downloads.start({ url: 'http://127.0.0.1:9/download?id=3' })).rejects.toThrow(/Cannot tell a \.gguf file name/);
  });

  it('refuses to download over a model that is already there, or beside a paused download of it', async () => {
    const { downloads, modelsDir } = await setup();
    const { url } = await serve(body, { ranges: true });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(modelsDir, 'other.gguf'), 'x');
    await expect(downloads.start({ url, file: 'other.gguf', sha256 })).rejects.toMatchObject({ code: 'CONFLICT' });

    const started = await downloads.start({ url, sha256 });
    await new Promise<void>((resolve) => downloads.on('progress', (s) => s.receivedBytes > 100_000 && resolve()));
    await expect(downloads.start({ url, sha256 })).rejects.toThrow(/already being downloaded/);
    await downloads.cancel(started.id);
    await expect(downloads.start({ url, sha256 })).rejects.toThrow(/is paused/);
  });

  it('removes a paused download with the bytes it had received', async () => {
    const { downloads, partDir } = await setup();
    const { url } = await serve(body, { ranges: true });
    const started = await downloads.start({ url, sha256 });
    await new Promise<void>((resolve) => downloads.on('progress', (s) => s.receivedBytes > 100_000 && resolve()));
    await downloads.cancel(started.id);
    expect(await readdir(partDir)).toContain('tiny.gguf.part');
    expect(await downloads.remove(started.id)).toEqual([]);
    expect(await readdir(partDir)).toEqual([]);
    expect((await downloads.start({ url, sha256 })).status).toBe('downloading');
  });
});
