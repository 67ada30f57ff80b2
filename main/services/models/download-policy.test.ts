import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import path from 'node:path';
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/temp-dir';
import { judgeHop } from './download-policy';
import { ModelDownloads } from './downloads';

const closers: Array<() => unknown> = [];
afterEach(() => {
  for (const close of closers.splice(0).reverse()) close();
});

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real loopback server; `hits` lists the paths it was asked for. */
async function listen(server: Server, scheme: 'http' | 'https') {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return `${scheme}://127.0.0.1:${(server.address() as { port: number }).port}`;
}

function recorder(handler: Handler) {
  const hits: string[] = [];
  return { hits, handler: ((req, res) => (hits.push(req.url ?? ''), handler(req, res))) as Handler };
}

const body = randomBytes(300 * 1024);
const sha256 = createHash('sha256').update(body).digest('hex');
const sendBody: Handler = (_req, res) => res.writeHead(200, { 'Content-Length': body.length }).end(body);
const redirectTo =
  (location: string): Handler =>
  (_req, res) =>
    res.writeHead(302, { Location: location }).end();

async function setup() {
  const base = await tempDir();
  const modelsDir = path.join(base, 'models');
  const partDir = path.join(base, 'cache', 'downloads');
  await mkdir(modelsDir, { recursive: true });
  const downloads = new ModelDownloads(modelsDir, partDir);
  closers.push(() => downloads.close());
  return { modelsDir, partDir, downloads };
}

/**
 * An https server with a certificate made now by openssl, trusted by this process's fetch for the
 * test only: the one way to see a real https → http redirect without the network.
 */
async function tlsServer(handler: Handler): Promise<string> {
  const dir = await tempDir();
  const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const certificate = await readFile(cert);
  const previous = getGlobalDispatcher();
  setGlobalDispatcher(new Agent({ connect: { ca: certificate } }));
  closers.push(() => setGlobalDispatcher(previous));
  return listen(createTlsServer({ key: await readFile(key), cert: certificate }, handler), 'https');
}

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('downloads refuse plain HTTP unless a sha256 anchors them', () => {
  it('refuses a plain-http URL without a sha256 at once, naming it and the fix, and asks nothing of the server', async () => {
    const server = recorder(sendBody);
    const origin = await listen(createServer(server.handler), 'http');
    const { downloads, partDir } = await setup();
    const url = `${origin}/m/tiny.gguf`;
    const refused = await downloads.start({ url }).then(
      () => undefined,
      (error: Error & { code?: string; hint?: string }) => error,
    );
    expect(refused?.code).toBe('BAD_REQUEST');
    expect(refused?.message).toBe(`Refused to download ${url}: it is plain HTTP and no sha256 was given to check the file.`);
    expect(refused?.hint).toMatch(/https:\/\/.*sha256/);
    expect(server.hits).toEqual([]);
    expect(downloads.list()).toEqual([]);
    expect(existsSync(partDir)).toBe(false);
  });

  it('with a sha256, follows plain-http redirects and verifies the file', async () => {
    const target = recorder(sendBody);
    const targetOrigin = await listen(createServer(target.handler), 'http');
    const first = recorder(redirectTo(`${targetOrigin}/real/tiny.gguf`));
    const origin = await listen(createServer(first.handler), 'http');
    const { downloads, modelsDir } = await setup();
    const started = await downloads.start({ url: `${origin}/m/tiny.gguf`, sha256 });
    const done = await downloads.settled(started.id);
    expect(done.status, done.error).toBe('done');
    expect((await readFile(path.join(modelsDir, 'tiny.gguf'))).equals(body)).toBe(true);
    expect([first.hits, target.hits]).toEqual([['/m/tiny.gguf'], ['/real/tiny.gguf']]);
  });

  it('with a wrong sha256, the redirected download fails and its partial file is removed', async () => {
    const targetOrigin = await listen(createServer(sendBody), 'http');
    const origin = await listen(createServer(redirectTo(`${targetOrigin}/real/tiny.gguf`)), 'http');
    const { downloads, modelsDir, partDir } = await setup();
    const started = await downloads.start({ url: `${origin}/m/tiny.gguf`, sha256: 'a'.repeat(64) });
    const failed = await downloads.settled(started.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain(`expected ${'a'.repeat(64)}, got ${sha256}`);
    expect(await readdir(partDir)).toEqual([]);
    expect(await readdir(modelsDir)).toEqual([]);
  });

  it('gives up on a redirect loop', async () => {
    const origin = await listen(createServer(redirectTo('/again/tiny.gguf')), 'http');
    const { downloads } = await setup();
    const started = await downloads.start({ url: `${origin}/m/tiny.gguf`, sha256 });
    const failed = await downloads.settled(started.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain(`${origin}/m/tiny.gguf redirected more than 10 times`);
  });

  it.skipIf(!hasOpenssl)('refuses an https URL that redirects to plain http without a sha256, before asking the http server', async () => {
    const target = recorder(sendBody);
    const targetOrigin = await listen(createServer(target.handler), 'http');
    const origin = await tlsServer(redirectTo(`${targetOrigin}/real/tiny.gguf`));
    const { downloads, partDir } = await setup();
    const started = await downloads.start({ url: `${origin}/m/tiny.gguf` });
    const failed = await downloads.settled(started.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain(
      `Refused to download: ${origin}/m/tiny.gguf redirected to ${targetOrigin}/real/tiny.gguf, plain HTTP, and no sha256 was given`,
    );
    expect(failed.error).toContain('Use an https:// address that stays https');
    expect(target.hits).toEqual([]);
    expect((await readdir(partDir)).filter((f) => f.endsWith('.part'))).toEqual([]);

    // The same redirect with a sha256: the hash is the trust anchor, so it goes through.
    const again = await downloads.start({ url: `${origin}/m/tiny.gguf`, file: 'tiny-2.gguf', sha256 });
    expect((await downloads.settled(again.id)).status).toBe('done');
    expect(target.hits).toEqual(['/real/tiny.gguf']);
  });

  it('judges each hop: https stays allowed, a step down to http only with a sha256, other schemes never', () => {
    const from = new URL('https://example.com/a.gguf');
    expect(() => judgeHop(new URL('https://cdn.example.com/b.gguf'), { verified: false, from })).not.toThrow();
    expect(() => judgeHop(new URL('http://cdn.example.com/b.gguf'), { verified: false, from })).toThrow(
      'Refused to download: https://example.com/a.gguf redirected to http://cdn.example.com/b.gguf, plain HTTP',
    );
    expect(() => judgeHop(new URL('http://cdn.example.com/b.gguf'), { verified: true, from })).not.toThrow();
    expect(() => judgeHop(new URL('file:///etc/passwd'), { verified: true, from })).toThrow('only http and https addresses are fetched');
  });
});
