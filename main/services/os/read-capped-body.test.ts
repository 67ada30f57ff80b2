import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readCappedBody } from './read-capped-body';

describe('readCappedBody', () => {
  it('reads a short body whole, and none as empty', async () => {
    expect(await readCappedBody(new Response('{"status":"ok"}'), 1024)).toBe('{"status":"ok"}');
    expect(await readCappedBody(new Response(null, { status: 204 }), 1024)).toBe('');
  });

  it('stops at the cap and cancels a body that never ends', async () => {
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new TextEncoder().encode('x'.repeat(1000))),
      cancel: () => {
        cancelled = true;
      },
    });
    const text = await readCappedBody(new Response(endless), 4096);
    expect(text).toBe('x'.repeat(4096));
    expect(cancelled).toBe(true);
  });

  it('leaves a real server streaming without end after the cap', async () => {
    let closed!: () => void;
    const gone = new Promise<void>((resolve) => (closed = resolve));
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('y'.repeat(8192)), 1);
      res.on('close', () => {
        clearInterval(timer);
        closed();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const text = await readCappedBody(await fetch(`http://127.0.0.1:${port}/`), 64 * 1024);
      expect(text).toHaveLength(64 * 1024);
      await gone;
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
