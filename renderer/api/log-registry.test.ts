import { describe, expect, it, vi } from 'vitest';
import type { LogLine } from '../../shared/provider';
import { LogRegistry, type LogsClient } from './log-registry';

const line = (seq: number): LogLine => ({ seq, at: seq, stream: 'stdout', text: `line ${seq}` });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i));

function fakeClient(tails: LogLine[][]) {
  const invoke = vi.fn(async () => ({ lines: tails.shift() ?? [], file: '/logs/a.log' }));
  return { invoke: invoke as unknown as LogsClient['invoke'], calls: invoke };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('LogRegistry', () => {
  it('tails once on open, then follows events, ignoring providers nobody opened', async () => {
    const client = fakeClient([range(1, 5)]);
    const registry = new LogRegistry(client, { tailLimit: 100 });
    const buffer = registry.open('a');
    registry.open('a');
    registry.onLines({ id: 'a', lines: [line(4), line(5), line(6)], dropped: 0 });
    registry.onLines({ id: 'b', lines: [line(1)], dropped: 0 });
    await settle();
    expect(client.calls).toHaveBeenCalledTimes(1);
    expect(buffer.toArray().map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(buffer.getSnapshot().status).toBe('ready');
  });

  it('re-tails after a reconnect, and starts over when the host seq restarted', async () => {
    const client = fakeClient([range(1, 5), range(1, 7), range(1, 2)]);
    const registry = new LogRegistry(client, { tailLimit: 100 });
    const buffer = registry.open('a');
    await settle();
    registry.reloadAll();
    await settle();
    expect(buffer.toArray().map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    registry.reloadAll(); // the new host only has two lines: what we hold is from its predecessor
    await settle();
    expect(buffer.toArray().map((l) => l.seq)).toEqual([1, 2]);
  });

  it('reports a failed tail on the snapshot', async () => {
    const invoke = vi.fn(async () => {
      throw new Error('no such provider');
    });
    const registry = new LogRegistry({ invoke: invoke as unknown as LogsClient['invoke'] });
    const buffer = registry.open('a');
    await settle();
    expect(buffer.getSnapshot()).toMatchObject({ status: 'error' });
  });

  it('watches a shown log on the host before tailing it, once for many panels, and unwatches when the last lets go', async () => {
    const calls: string[] = [];
    const invoke = vi.fn(async (method: string, params: { id: string }) => {
      calls.push(`${method} ${params.id}`);
      return method === 'logs.tail' ? { lines: range(1, 3), file: '/logs/a.log' } : { id: params.id, watching: method === 'logs.watch' };
    });
    const registry = new LogRegistry({ invoke: invoke as unknown as LogsClient['invoke'] }, { tailLimit: 100 });
    const releaseA = registry.watch('a');
    const releaseA2 = registry.watch('a');
    await settle();
    expect(calls).toEqual(['logs.watch a', 'logs.tail a']);
    expect(
      registry
        .get('a')
        .toArray()
        .map((l) => l.seq),
    ).toEqual([1, 2, 3]);
    releaseA();
    releaseA(); // a second call of the same release counts once
    await settle();
    expect(calls).toEqual(['logs.watch a', 'logs.tail a']);
    releaseA2();
    await settle();
    expect(calls).toEqual(['logs.watch a', 'logs.tail a', 'logs.unwatch a']);
  });

  it('watches the shown logs again after a reconnect (a new connection has no subscriptions)', async () => {
    const calls: string[] = [];
    const invoke = vi.fn(async (method: string, params: { id: string }) => {
      calls.push(`${method} ${params.id}`);
      return method === 'logs.tail' ? { lines: range(1, 3), file: '/logs/a.log' } : { id: params.id, watching: true };
    });
    const registry = new LogRegistry({ invoke: invoke as unknown as LogsClient['invoke'] }, { tailLimit: 100 });
    registry.watch('a');
    await settle();
    calls.length = 0;
    registry.reloadAll();
    await settle();
    expect(calls).toEqual(['logs.watch a', 'logs.tail a']);
  });
});
