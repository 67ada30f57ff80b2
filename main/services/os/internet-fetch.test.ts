import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStandInHub, type StandInHub } from '../../../test/fixtures/stand-ins/hf-hub';
import { closedPort } from '../../../test/closed-port';
import { tempDir } from '../../../test/temp-dir';
import { HubClient } from '../models/hub-client';
import { fetchToFile } from './http-file';
import { proxySettings, throughProxy } from './internet-fetch';

/**
 * A real forward proxy, as a corporate network has: CONNECT tunnels only. The names it is asked
 * for exist only here (`*.test` has no DNS), so an answer proves the request went through it.
 */
async function startProxy(hubPort: number) {
  const tunnels: string[] = [];
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const upstream = net.connect(hubPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return { url, tunnels, close: () => new Promise((resolve) => server.close(resolve)) };
}

let hub: StandInHub;
let proxy: Awaited<ReturnType<typeof startProxy>>;
let hubName: string;
beforeAll(async () => {
  hub = await startStandInHub();
  const port = new URL(hub.endpoint).port;
  proxy = await startProxy(Number(port));
  hubName = `http://hub.test:${port}`;
});
afterAll(async () => {
  await proxy.close();
  await hub.close();
});
afterEach(() => {
  proxy.tunnels.length = 0;
});

describe('requests to the internet honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY', () => {
  it('the hub is searched through the proxy the environment names', async () => {
    const client = new HubClient({ env: { HF_ENDPOINT: hubName, HTTP_PROXY: proxy.url } });
    expect((await client.search('tiny')).map((h) => h.id)).toContain('org/tiny-GGUF');
    expect(proxy.tunnels).toEqual([new URL(hubName).host]);
    // Without it, the name does not resolve: the proxy is what made it work.
    await expect(new HubClient({ env: { HF_ENDPOINT: hubName } }).search('tiny')).rejects.toMatchObject({ code: 'IO_ERROR' });
  });

  it('loopback and NO_PROXY names go direct; lower case wins over upper case, as in curl', async () => {
    await new HubClient({ env: { HF_ENDPOINT: hub.endpoint, HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url } }).search('tiny');
    expect(proxy.tunnels).toEqual([]);
    expect(throughProxy(`${hubName}/x`, { HTTP_PROXY: proxy.url, NO_PROXY: '.test' })).toBe('');
    expect(throughProxy(`${hubName}/x`, { HTTP_PROXY: proxy.url, NO_PROXY: `hub.test:${new URL(hubName).port}` })).toBe('');
    expect(throughProxy('https://huggingface.co/x', { HTTP_PROXY: proxy.url, NO_PROXY: 'hub.test' })).toBe(
      ` (through the proxy ${proxy.url})`,
    );
    expect(proxySettings({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })?.httpsProxy).toBe('http://lower:1');
    expect(proxySettings({ HTTP_PROXY: 'http://only-http:3' })).toMatchObject({ httpsProxy: 'http://only-http:3' });
    expect(proxySettings({ NO_PROXY: 'x' })).toBeUndefined();
  });

  it('a proxy that is down is named in the message, without its password', async () => {
    const down = `http://me:s3cret@127.0.0.1:${await closedPort()}`;
    const failure = new HubClient({ env: { HF_ENDPOINT: hubName, HTTPS_PROXY: down, HTTP_PROXY: down } }).search('tiny');
    await expect(failure).rejects.toMatchObject({
      message: expect.stringMatching(
        /^Could not reach the Hugging Face hub at http:\/\/hub\.test:\d+ \(through the proxy http:\/\/127\.0\.0\.1:\d+\): the connection was refused/,
      ),
    });
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });

  it('a model file downloads through the proxy (fetchToFile reads the environment)', async () => {
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = proxy.url;
    try {
      const file = path.join(await tempDir(), 'tiny.gguf');
      await fetchToFile(`${hubName}/org/tiny-GGUF/resolve/main/tiny.Q8_0.gguf`, file, {
        signal: new AbortController().signal,
        verified: true,
      });
      expect((await readFile(file)).equals(hub.files.get('org/tiny-GGUF/tiny.Q8_0.gguf')!)).toBe(true);
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.tunnels)).toEqual(new Set([new URL(hubName).host]));
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
    }
  });
});
