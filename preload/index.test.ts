import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { PreloadBridge } from '../shared/rpc/preload-bridge';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/rpc/preload-bridge';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

// A stand-in for the two Electron objects the preload touches, recording what it does with them.
const fake = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  ipcListeners: new Map<string, IpcListener[]>(),
  invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, result: 'from main' })),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => fake.exposed.set(key, api) },
  ipcRenderer: {
    invoke: fake.invoke,
    on: (channel: string, listener: IpcListener) => fake.ipcListeners.set(channel, [...(fake.ipcListeners.get(channel) ?? []), listener]),
  },
}));

function emitFromMain(topic: string, payload: unknown): void {
  for (const listener of fake.ipcListeners.get(IPC_EVENT_CHANNEL) ?? []) listener({ sender: 'secret' }, topic, payload);
}

describe('preload bridge', () => {
  let llm: PreloadBridge;

  beforeAll(async () => {
    await import('./index');
    llm = fake.exposed.get('llm') as PreloadBridge;
  });

  it('exposes only window.llm with invoke and on', () => {
    expect([...fake.exposed.keys()]).toEqual(['llm']);
    expect(Object.keys(llm).sort()).toEqual(['invoke', 'on']);
  });

  it('forwards contract methods and refuses others without touching IPC', async () => {
    expect(await llm.invoke('settings.get', undefined)).toEqual({ ok: true, result: 'from main' });
    expect(fake.invoke).toHaveBeenCalledWith(IPC_INVOKE_CHANNEL, 'settings.get', undefined);

    fake.invoke.mockClear();
    expect(await llm.invoke('fs.readFile', { path: '/etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
    expect(fake.invoke).not.toHaveBeenCalled();
  });

  it('delivers payloads (not the IPC event) per topic, until unsubscribed', () => {
    const seen: unknown[] = [];
    const off = llm.on('settings.changed', (payload) => seen.push(payload));
    const offOther = llm.on('not.a.topic', () => seen.push('never'));

    emitFromMain('settings.changed', { values: 1 });
    emitFromMain('not.a.topic', 'x');
    off();
    offOther();
    emitFromMain('settings.changed', { values: 2 });

    expect(seen).toEqual([{ values: 1 }]);
  });

  it('keeps delivering to other listeners when one throws', () => {
    const seen: unknown[] = [];
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const offBad = llm.on('settings.changed', () => {
      throw new Error('listener bug');
    });
    const offGood = llm.on('settings.changed', (payload) => seen.push(payload));

    emitFromMain('settings.changed', 'still delivered');

    expect(seen).toEqual(['still delivered']);
    expect(quiet).toHaveBeenCalledOnce();
    offBad();
    offGood();
    quiet.mockRestore();
  });
});
