import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { RpcClient } from './client';
import { event, request } from './define';
import { createMemoryPair } from './memory';
import { RpcServer, usableId, type Handlers } from './server';
import { UnreadableFrame, type Transport } from './transport';

const contract = {
  requests: {
    echo: request<string>()(z.object({ text: z.string().max(10) }).strict(), 'echoes'),
    none: request<string>()(z.undefined().or(z.object({}).strict()), 'no input'),
    brittle: request<string>()(
      z
        .object({ n: z.number() })
        .strict()
        .refine(({ n }) => {
          if (n === 13) throw new Error('refinement blew up');
          return true;
        }),
      'a schema whose check throws',
    ),
  },
  events: { tick: event<{ n: number }>('a tick') },
} as const;

/** The server's end of a wire whose frames the test writes raw, as a hostile peer would, unserialised. */
function rawWire() {
  const listeners = new Set<(frame: unknown) => void>();
  const closes = new Set<(reason: string) => void>();
  const sent: Array<Record<string, unknown>> = [];
  const transport: Transport = {
    send: (frame) => void sent.push(frame as Record<string, unknown>),
    onMessage: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    onClose: (listener) => (closes.add(listener), () => closes.delete(listener)),
    close: () => closes.forEach((listener) => listener('closed')),
  };
  const push = (frame: unknown) => listeners.forEach((listener) => listener(frame));
  return { transport, push, sent };
}

function setup(handlers: Partial<Handlers<typeof contract>> = {}) {
  const calls = { echo: vi.fn((input: { text: string }) => input.text), none: vi.fn(() => 'ok'), brittle: vi.fn(() => 'ok') };
  const onUnexpectedError = vi.fn();
  const server = new RpcServer(contract, { ...calls, ...handlers } as Handlers<typeof contract>, { onUnexpectedError });
  const wire = rawWire();
  server.connect(wire.transport, { via: 'memory', connectionId: 'hostile' });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  return { server, wire, calls, onUnexpectedError, settle };
}

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('the RPC server against hostile frames', () => {
  it('answers prototype-named methods as unknown, never reaching Object.prototype', async () => {
    const { wire, settle, calls } = setup();
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'prototype'];
    names.forEach((method, id) => wire.push({ type: 'request', id, method, params: {} }));
    await settle();
    expect(wire.sent).toHaveLength(names.length);
    for (const [id, reply] of wire.sent.entries()) {
      expect(reply).toMatchObject({ type: 'response', id, ok: false, error: { code: 'UNKNOWN_METHOD', hint: expect.any(String) } });
    }
    expect(calls.echo).not.toHaveBeenCalled();
  });

  it('answers a method the contract names but no handler implements as unknown, not with a TypeError', async () => {
    const server = new RpcServer(contract, { echo: (input: { text: string }) => input.text } as unknown as Handlers<typeof contract>);
    await expect(server.dispatch('none', undefined, { via: 'memory', connectionId: 'x' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
  });

  it('echoes only ids a client could have sent; any other id is answered with null', async () => {
    const { wire, settle } = setup();
    const ids: unknown[] = [{ nested: 1 }, '7', -1, 1.5, 1e300, 2 ** 53, [3], true, null];
    for (const id of ids) wire.push({ type: 'request', id, method: 'echo', params: { text: 'hi' } });
    wire.push({ type: 'request', id: 41, method: { not: 'a string' } });
    wire.push({ type: 'request', id: Number.MAX_SAFE_INTEGER, method: 'echo', params: { text: 'hi' } });
    await settle();
    expect(wire.sent).toHaveLength(ids.length + 2);
    for (const reply of wire.sent.slice(0, ids.length)) {
      expect(reply).toMatchObject({ type: 'response', id: null, ok: false, error: { code: 'BAD_MESSAGE' } });
    }
    expect(wire.sent[ids.length]).toMatchObject({ id: 41, ok: false, error: { code: 'BAD_MESSAGE' } });
    expect(wire.sent[ids.length + 1]).toMatchObject({ id: Number.MAX_SAFE_INTEGER, ok: true, result: 'hi' });
  });

  it('reads the id as an own property only', () => {
    expect(usableId(Object.create({ id: 9 }))).toBeNull();
    expect(usableId({ id: 9 })).toBe(9);
    expect(usableId('{"id":9}')).toBeNull();
  });

  it('answers frames that are not request objects, and bytes the transport could not read, with BAD_MESSAGE', async () => {
    const { wire, settle } = setup();
    const frames: unknown[] = [
      'garbage',
      42,
      null,
      [1, 2],
      { type: 'response', ok: true },
      { type: 'request' },
      new UnreadableFrame('the frame is not JSON'),
    ];
    frames.forEach((frame) => wire.push(frame));
    await settle();
    expect(wire.sent).toHaveLength(frames.length);
    for (const reply of wire.sent)
      expect(reply).toMatchObject({ id: null, ok: false, error: { code: 'BAD_MESSAGE', hint: expect.any(String) } });
    expect((wire.sent[2]!.error as { message: string }).message).toContain('got null');
    expect((wire.sent.at(-1)!.error as { message: string }).message).toContain('the frame is not JSON');
  });

  it('refuses prototype keys in params by the schema, without polluting anything', async () => {
    const { wire, settle, calls } = setup();
    const hostile = [
      '{"__proto__":{"polluted":1},"text":"a"}',
      '{"constructor":{"prototype":{"polluted":1}},"text":"a"}',
      '{"text":{"__proto__":{"polluted":1}}}',
    ];
    hostile.forEach((json, id) => wire.push({ type: 'request', id, method: 'echo', params: JSON.parse(json) as unknown }));
    await settle();
    for (const reply of wire.sent) expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(calls.echo).not.toHaveBeenCalled();
  });

  it('never sends a NoInput method a payload, however it is dressed', async () => {
    const { wire, settle, calls } = setup();
    const payloads: unknown[] = [null, 0, '', [], { extra: 1 }, JSON.parse('{"__proto__":null}') as unknown];
    payloads.forEach((params, id) => wire.push({ type: 'request', id, method: 'none', params }));
    await settle();
    expect(wire.sent.map((reply) => (reply.error as { code?: string } | undefined)?.code)).toEqual(payloads.map(() => 'BAD_REQUEST'));
    expect(calls.none).not.toHaveBeenCalled();
  });

  it('keeps error replies small whatever the size of the junk', async () => {
    const { wire, settle } = setup();
    wire.push({ type: 'request', id: 1, method: 'x'.repeat(1_000_000) });
    wire.push({ type: 'request', id: 2, method: 'nope'.repeat(40) });
    const manyKeys = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}${'y'.repeat(50)}`, i]));
    wire.push({ type: 'request', id: 3, method: 'echo', params: manyKeys });
    wire.push({ type: 'request', id: 4, method: 'echo', params: { text: 'z'.repeat(1_000_000) } });
    await settle();
    expect(wire.sent.map((reply) => (reply.error as { code: string }).code)).toEqual([
      'BAD_MESSAGE',
      'UNKNOWN_METHOD',
      'BAD_REQUEST',
      'BAD_REQUEST',
    ]);
    for (const reply of wire.sent) expect(JSON.stringify(reply).length).toBeLessThan(10_000);
    expect((wire.sent[2]!.error as { details: unknown[] }).details.length).toBeLessThanOrEqual(20);
  });

  it('refuses deeply nested params without overflowing the stack', async () => {
    const { wire, settle } = setup();
    const depth = 100_000;
    wire.push({ type: 'request', id: 1, method: 'echo', params: JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown });
    wire.push({
      type: 'request',
      id: 2,
      method: 'echo',
      params: { text: JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) as unknown },
    });
    await settle();
    expect(wire.sent).toEqual([
      expect.objectContaining({ id: 1, ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST' }) }),
      expect.objectContaining({ id: 2, ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST' }) }),
    ]);
  });

  it('answers a schema check that throws as INTERNAL, reports it, and keeps serving', async () => {
    const { wire, settle, onUnexpectedError, calls } = setup();
    wire.push({ type: 'request', id: 1, method: 'brittle', params: { n: 13 } });
    wire.push({ type: 'request', id: 2, method: 'echo', params: { text: 'still' } });
    await settle();
    expect(wire.sent).toEqual([
      expect.objectContaining({ id: 1, ok: false, error: expect.objectContaining({ code: 'INTERNAL', message: 'refinement blew up' }) }),
      expect.objectContaining({ id: 2, ok: true, result: 'still' }),
    ]);
    expect(onUnexpectedError).toHaveBeenCalledWith('brittle', expect.any(Error));
    expect(calls.brittle).not.toHaveBeenCalled();
  });

  it('still delivers an event to the other clients when one client’s send throws', () => {
    const { server, onUnexpectedError } = setup();
    const seen: unknown[] = [];
    server.addEventSink(() => {
      throw new Error('broken sink');
    });
    server.addEventSink((frame) => seen.push(frame));
    expect(() => server.emit('tick', { n: 1 })).not.toThrow();
    expect(seen).toEqual([{ type: 'event', topic: 'tick', payload: { n: 1 } }]);
    expect(onUnexpectedError).toHaveBeenCalledWith('event tick', expect.any(Error));
  });
});

describe('the RPC client against a hostile host', () => {
  it('ignores frames that are not the host’s, and isolates a listener that throws', async () => {
    const [clientSide, hostSide] = createMemoryPair();
    const onListenerError = vi.fn();
    const client = new RpcClient<typeof contract>(clientSide, { timeoutMs: 1_000, onListenerError });
    const seen: number[] = [];
    client.on('tick', () => {
      throw new Error('listener bug');
    });
    client.on('tick', ({ n }) => seen.push(n));
    for (const junk of ['x', null, { type: 'response', id: { a: 1 }, ok: true }, { type: 'event' }, { type: '__proto__' }])
      hostSide.send(junk);
    hostSide.send({ type: 'event', topic: 'tick', payload: { n: 5 } });
    hostSide.send({ type: 'event', topic: 'constructor', payload: {} });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toEqual([5]);
    expect(onListenerError).toHaveBeenCalledWith('tick', expect.any(Error));
  });
});
