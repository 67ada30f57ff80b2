import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AppFailure } from '../errors';
import { untyped } from '../../test/untyped-client';
import { RpcClient } from './client';
import { event, request } from './define';
import { createMemoryPair } from './memory';
import { RpcServer, type Handlers } from './server';

const testContract = {
  requests: {
    add: request<number>()(z.object({ a: z.number(), b: z.number() }).strict(), 'adds'),
    fail: request<never>()(z.object({ how: z.enum(['app', 'bug', 'errno', 'shaped']) }), 'throws'),
    slow: request<string>()(z.undefined(), 'never answers'),
  },
  events: { tick: event<{ n: number }>('a tick') },
} as const;
type TestContract = typeof testContract;

function setup(handlers: Partial<Handlers<TestContract>> = {}) {
  const onUnexpectedError = vi.fn();
  const server = new RpcServer(
    testContract,
    {
      add: ({ a, b }) => a + b,
      fail: ({ how }) => {
        if (how === 'app') throw new AppFailure({ code: 'NOT_FOUND', message: 'no such thing', hint: 'make one' });
        if (how === 'errno') throw errnoException();
        // Shaped like an AppError, but not made by our constructor.
        if (how === 'shaped') throw { code: 'CONFLICT', message: 'looks official', hint: 'trust me' };
        throw new Error('kaboom');
      },
      slow: () => new Promise<string>(() => {}),
      ...handlers,
    },
    { onUnexpectedError },
  );
  const [clientSide, serverSide] = createMemoryPair();
  server.connect(serverSide, { via: 'memory', connectionId: 'test' });
  const client = new RpcClient<TestContract>(clientSide, { timeoutMs: 2_000 });
  return { server, client, clientSide, serverSide, onUnexpectedError };
}

describe('RPC over the in-memory pair', () => {
  it('returns the handler result', async () => {
    const { client } = setup();
    await expect(client.invoke('add', { a: 2, b: 40 })).resolves.toBe(42);
  });

  it('rejects a bad payload with BAD_REQUEST naming the field, before the handler runs', async () => {
    const add = vi.fn();
    const { client } = setup({ add });
    const error = await client.invoke('add', { a: 2, b: 'x' as unknown as number }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppFailure);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    expect((error as AppFailure).message).toContain('b');
    expect((error as AppFailure).details).toEqual([expect.objectContaining({ path: ['b'] })]);
    expect(add).not.toHaveBeenCalled();
  });

  it('rejects unknown fields (strict schemas) and unknown methods', async () => {
    const { client } = setup();
    await expect(client.invoke('add', { a: 1, b: 2, c: 3 } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(untyped(client).invoke('nope')).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
    // Prototype names must not reach a handler lookup.
    await expect(untyped(client).invoke('toString')).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
  });

  it('passes an AppFailure through with its hint, and reports other errors as INTERNAL bugs', async () => {
    const { client, onUnexpectedError } = setup();
    await expect(client.invoke('fail', { how: 'app' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'no such thing',
      hint: 'make one',
    });
    expect(onUnexpectedError).not.toHaveBeenCalled();
    await expect(client.invoke('fail', { how: 'bug' })).rejects.toMatchObject({ code: 'INTERNAL', message: 'kaboom' });
    expect(onUnexpectedError).toHaveBeenCalledWith('fail', expect.any(Error));
  });

  it('answers a Node ErrnoException thrown in a handler as INTERNAL with the report hint, and reports it with its stack', async () => {
    const { client, onUnexpectedError } = setup();
    const error = await client.invoke('fail', { how: 'errno' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppFailure);
    expect(error).toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('ENOENT'),
      hint: expect.stringContaining('report it'),
    });
    expect(onUnexpectedError).toHaveBeenCalledTimes(1);
    const [method, reported] = onUnexpectedError.mock.calls[0]!;
    expect(method).toBe('fail');
    expect((reported as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect((reported as Error).stack).toContain('errnoException');
  });

  it('treats a thrown object shaped like an AppError as a bug, not as the app’s own error', async () => {
    const { client, onUnexpectedError } = setup();
    await expect(client.invoke('fail', { how: 'shaped' })).rejects.toMatchObject({
      code: 'INTERNAL',
      hint: expect.stringContaining('report it'),
    });
    expect(onUnexpectedError).toHaveBeenCalledWith('fail', expect.objectContaining({ code: 'CONFLICT' }));
  });

  it('delivers events to subscribers, and stops after unsubscribe', async () => {
    const { server, client } = setup();
    const seen: number[] = [];
    const off = client.on('tick', ({ n }) => seen.push(n));
    server.emit('tick', { n: 1 });
    await new Promise((r) => setTimeout(r, 5));
    off();
    server.emit('tick', { n: 2 });
    await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual([1]);
  });

  it('answers a malformed frame with BAD_MESSAGE and keeps serving', async () => {
    const { clientSide, client } = setup();
    const replies: unknown[] = [];
    clientSide.onMessage((frame) => replies.push(frame));
    clientSide.send({ type: 'request', id: 7, method: 42 });
    clientSide.send('garbage');
    await new Promise((r) => setTimeout(r, 5));
    expect(replies).toEqual([
      expect.objectContaining({ type: 'response', id: 7, ok: false, error: expect.objectContaining({ code: 'BAD_MESSAGE' }) }),
      expect.objectContaining({ type: 'response', id: null, ok: false }),
    ]);
    await expect(client.invoke('add', { a: 1, b: 1 })).resolves.toBe(2);
  });

  it("a transport that knows why it cannot send says so in the call's error", async () => {
    const { client, clientSide } = setup();
    clientSide.send = () => {
      throw new AppFailure({ code: 'UNAUTHORIZED', message: 'The session has ended;', hint: 'Open the new link.' });
    };
    await expect(client.invoke('add', { a: 1, b: 1 })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'The session has ended; "add" was not sent.',
      hint: 'Open the new link.',
    });
    clientSide.send = () => {
      throw new Error('not connected');
    };
    await expect(client.invoke('add', { a: 1, b: 1 })).rejects.toMatchObject({
      code: 'DISCONNECTED',
      hint: expect.stringContaining('turn green'),
    });
  });

  it('fails pending calls with DISCONNECTED when the transport closes', async () => {
    const { client, serverSide } = setup();
    const pending = client.invoke('slow');
    serverSide.close();
    await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED' });
    await expect(client.invoke('add', { a: 1, b: 1 })).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });

  it('times out a call that gets no answer', async () => {
    const { server } = setup();
    const [clientSide, serverSide] = createMemoryPair();
    server.connect(serverSide, { via: 'memory', connectionId: 't' });
    const client = new RpcClient<TestContract>(clientSide, { timeoutMs: 50 });
    await expect(client.invoke('slow')).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('stops sending events to a client that disconnected', async () => {
    const { server, serverSide } = setup();
    const send = vi.spyOn(serverSide, 'send');
    serverSide.close();
    await new Promise((r) => setTimeout(r, 5));
    server.emit('tick', { n: 3 });
    expect(send).not.toHaveBeenCalled();
  });
});

/** What fs throws for a missing file: an Error with a string `code` and a message. */
function errnoException(): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error("ENOENT: no such file or directory, open '/nowhere/settings.json'");
  error.code = 'ENOENT';
  error.errno = -2;
  error.syscall = 'open';
  return error;
}
