import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResponseEnvelope } from '../../shared/rpc/messages';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/rpc/preload-bridge';
import type { SettingsState } from '../../shared/settings';
import { createHost, type Host } from '../host';
import { bindIpc, type EventReceiver, type InvokeEventLike, type IpcMainLike } from './electron';

const TRUSTED = 'file:///app/out/renderer/index.html';

type Listener = Parameters<IpcMainLike['handle']>[1];

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();

  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`); // as Electron does
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  async invoke(
    frameUrl: string | null,
    method: unknown,
    params?: unknown,
    sender: InvokeEventLike['sender'] = { id: 7 },
  ): Promise<ResponseEnvelope> {
    const handler = this.handlers.get(IPC_INVOKE_CHANNEL);
    if (!handler) throw new Error('no handler bound');
    const event: InvokeEventLike = { sender, senderFrame: frameUrl === null ? null : { url: frameUrl } };
    return (await handler(event, method, params)) as ResponseEnvelope;
  }
}

class FakeWebContents implements EventReceiver {
  readonly sent: unknown[][] = [];
  destroyed = false;
  private readonly listeners = new Map<string, Array<(details?: unknown) => void>>();

  constructor(readonly id?: number) {}

  once(event: string, listener: () => void): void {
    this.on(event, listener);
  }

  on(event: string, listener: (details: { isMainFrame: boolean; isSameDocument: boolean }) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener as (details?: unknown) => void]);
  }

  fire(event: string, details?: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(details);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
}

describe('bindIpc', () => {
  let dir: string;
  let host: Host;
  let ipcMain: FakeIpcMain;
  let windows: FakeWebContents[];
  let unbind: () => void;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'llm-ipc-'));
    host = await createHost({
      mode: 'desktop',
      env: { HELIX_LOCAL_LLM_DIR: path.join(dir, 'base') },
      appConfigDir: path.join(dir, 'app-config'),
    });
    ipcMain = new FakeIpcMain();
    windows = [new FakeWebContents()];
    unbind = bindIpc({
      ipcMain,
      rpc: host.rpc,
      isTrustedSender: (url) => url === TRUSTED,
      getTargets: () => windows,
    });
  });

  afterEach(async () => {
    unbind();
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a trusted caller', async () => {
    const reply = await ipcMain.invoke(TRUSTED, 'settings.get');
    expect(reply.ok).toBe(true);
    const state = (reply as { ok: true; result: SettingsState }).result;
    expect(state.baseDir).toMatchObject({ path: path.join(dir, 'base'), source: 'env' });
    expect(state.values.closeToTray).toBe(true);
  });

  it('refuses frames that are not our renderer, and frames that are gone', async () => {
    for (const url of ['https://evil.example/', 'file:///app/out/renderer/other.html', null]) {
      const reply = await ipcMain.invoke(url, 'settings.get');
      expect(reply).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
  });

  it('rejects unknown methods and invalid input', async () => {
    expect(await ipcMain.invoke(TRUSTED, 'fs.readFile', { path: '/etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
    expect(await ipcMain.invoke(TRUSTED, 'settings.update', { healthIntervalSec: 'often' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });

  it('sends events to live windows only', async () => {
    const closed = new FakeWebContents();
    closed.destroyed = true;
    windows.push(closed);

    const reply = await ipcMain.invoke(TRUSTED, 'settings.update', { closeToTray: false });
    expect(reply.ok).toBe(true);

    expect(closed.sent).toEqual([]);
    expect(windows[0]!.sent).toHaveLength(1);
    const [channel, topic, payload] = windows[0]!.sent[0]!;
    expect([channel, topic]).toEqual([IPC_EVENT_CHANNEL, 'settings.changed']);
    expect((payload as SettingsState).values.closeToTray).toBe(false);
  });

  it('sends a log’s lines only to the window watching it, until that page navigates away or is destroyed', async () => {
    const watching = new FakeWebContents(7) as FakeWebContents & { id: number };
    const other = new FakeWebContents(8);
    windows.splice(0, windows.length, watching, other);
    const logLines = (window: FakeWebContents) =>
      window.sent
        .filter(([, topic]) => topic === 'logs.lines')
        .flatMap(([, , payload]) => (payload as { lines: Array<{ text: string }> }).lines.map((l) => l.text));
    const emitted = (text: string) =>
      new Promise<void>((resolve) => {
        host.logs.once('lines', () => resolve());
        host.logs.system('engine', text);
      });

    expect(await ipcMain.invoke(TRUSTED, 'logs.watch', { id: 'engine' }, watching)).toMatchObject({ ok: true });
    await emitted('first');
    expect(logLines(watching)).toEqual(['first']);
    expect(logLines(other)).toEqual([]);

    // A reload starts a fresh page, which watches again what it shows; an in-page navigation does not.
    watching.fire('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    await emitted('second');
    watching.fire('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    await emitted('third');
    expect(logLines(watching)).toEqual(['first', 'second']);

    expect(await ipcMain.invoke(TRUSTED, 'logs.watch', { id: 'engine' }, watching)).toMatchObject({ ok: true });
    watching.fire('destroyed');
    await emitted('fourth');
    expect(logLines(watching)).toEqual(['first', 'second']);
    expect(host.rpc.subscriptions.any('logs.lines', 'engine')).toBe(false);
  });

  it('answers every hostile payload with an envelope, never a rejection', async () => {
    const deep: unknown[] = [];
    let cursor = deep;
    for (let i = 0; i < 10_000; i++) cursor = (cursor[0] = []) as unknown[];
    const methods: unknown[] = [
      undefined,
      null,
      7,
      {},
      [],
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'x'.repeat(100_000),
      'settings.update',
    ];
    const params: unknown[] = [
      undefined,
      null,
      'text',
      42,
      [],
      deep,
      { __proto__: { autoStart: true } },
      JSON.parse('{"__proto__":{"polluted":1}}'),
      { healthIntervalSec: '\u00ff' },
    ];
    for (const method of methods) {
      for (const param of params) {
        const reply = await ipcMain.invoke(TRUSTED, method, param);
        expect(reply).toHaveProperty('ok');
        if (!reply.ok) expect(reply.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Params whose getter throws (no structured clone in between here): an INTERNAL envelope, not a rejection.
    const hostile = Object.defineProperty({}, 'closeToTray', {
      enumerable: true,
      get: () => {
        throw new Error('getter boom');
      },
    });
    expect(await ipcMain.invoke(TRUSTED, 'settings.update', hostile)).toMatchObject({ ok: false, error: { code: expect.any(String) } });
  });

  it('a frame disposed mid-call, or a sender check that throws, gets an envelope', async () => {
    const handler = ipcMain.handlers.get(IPC_INVOKE_CHANNEL)!;
    // Electron throws reading a WebFrameMain whose frame was disposed.
    const disposed = {
      sender: { id: 7 },
      get senderFrame(): { url: string } {
        throw new Error('Render frame was disposed');
      },
    };
    expect(await handler(disposed, 'settings.get')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

    unbind();
    const reported: string[] = [];
    unbind = bindIpc({
      ipcMain,
      rpc: host.rpc,
      isTrustedSender: () => {
        throw new Error('check boom');
      },
      getTargets: () => windows,
      reportBug: (m, e) => reported.push(`${m} ${(e as Error).message}`),
    });
    expect(await ipcMain.invoke(TRUSTED, 'settings.get')).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringContaining('check boom'), hint: expect.any(String) },
    });
    expect(reported.join('')).toContain('check boom');
  });

  it('unbinds: no handler, no more events', async () => {
    unbind();
    unbind = () => {};
    expect(ipcMain.handlers.size).toBe(0);
    await host.settings.update({ autoStart: false });
    expect(windows[0]!.sent).toEqual([]);
  });
});
