import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseWriter } from './sse-writer';

// A real server and a real client: what arrives, and in how many network reads.
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function serve(script: (out: SseWriter, res: ServerResponse) => Promise<void>): Promise<{ chunks: string[]; writes: number }> {
  let writes = 0;
  const server = createServer(async (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    const write = res.write.bind(res);
    res.write = ((chunk: string) => {
      writes++;
      return write(chunk);
    }) as typeof res.write;
    await script(new SseWriter(res, 20), res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  for await (const piece of response.body!) chunks.push(decoder.decode(piece));
  return { chunks, writes };
}

describe('SseWriter', () => {
  it('sends a frame that comes alone at once, and frames that come fast together', async () => {
    const { chunks, writes } = await serve(async (out) => {
      out.write('a');
      for (const frame of ['b', 'c', 'd']) out.write(frame);
      await sleep(60);
      out.write('e');
      out.end('!');
    });
    expect(chunks.join('')).toBe('abcde!');
    // 'a' at once; b, c, d within the window in one write; 'e', alone after a pause, at once.
    expect(writes).toBe(3);
  });

  it('the end carries what still waits', async () => {
    const { chunks, writes } = await serve(async (out) => {
      out.write('a');
      out.write('b');
      out.end('[DONE]');
    });
    expect(chunks.join('')).toBe('ab[DONE]');
    expect(writes).toBe(1);
  });

  it('drop forgets what waits, so nothing is written after a cut', async () => {
    const { chunks } = await serve(async (out, res) => {
      out.write('a');
      out.write('b');
      out.drop();
      await sleep(40);
      res.end();
    });
    expect(chunks.join('')).toBe('a');
  });
});
