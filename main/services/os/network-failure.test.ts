import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/closed-port';
import { whyNoAnswer } from './network-failure';

/** What fetch threw (or the body read threw) for this URL. */
async function failureOf(url: string, init: RequestInit = {}, readBody = false): Promise<unknown> {
  try {
    const response = await fetch(url, init);
    if (readBody) await response.arrayBuffer();
  } catch (error) {
    return error;
  }
  throw new Error(`${url} answered`);
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

describe('whyNoAnswer: what fetch hides behind "fetch failed"', () => {
  it('a closed port, a name no DNS knows, a port fetch blocks', async () => {
    expect(whyNoAnswer(await failureOf(`http://127.0.0.1:${await closedPort()}/`))).toBe(
      'the connection was refused (nothing listens at that address and port)',
    );
    expect(whyNoAnswer(await failureOf('http://no-such-host.invalid/'))).toMatch(
      /^the host name no-such-host\.invalid (was not found \(DNS\)|could not be looked up)/,
    );
    expect(whyNoAnswer(await failureOf('http://127.0.0.1:6000/'))).toMatch(/^fetch refuses that port/);
  });

  it('a server that never answers, and one that cuts the body off', async () => {
    const silent = net.createServer(() => undefined);
    const silentPort = await listen(silent);
    const timedOut = await failureOf(`http://127.0.0.1:${silentPort}/`, { signal: AbortSignal.timeout(200) });
    expect(whyNoAnswer(timedOut, 200)).toBe('no answer within 200 ms');
    expect(whyNoAnswer(timedOut, 30_000)).toBe('no answer within 30 s');
    silent.close();

    const cutting = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('x'.repeat(10));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const port = await listen(cutting);
    expect(whyNoAnswer(await failureOf(`http://127.0.0.1:${port}/`, {}, true))).toBe('the other side closed the connection');
    cutting.close();
  });

  it('anything else keeps its own message', () => {
    expect(whyNoAnswer(new Error('something new'))).toBe('something new');
    expect(whyNoAnswer('plain')).toBe('plain');
  });
});
