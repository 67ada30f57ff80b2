import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRunning } from '../main/services/os/process-tree';
import { pickPort } from '../main/services/os/ports';
import { LogPanel } from './pages/log-panel';
import { e2eSession } from './support/session';
import { freshDirs, startCliHost } from './support/host-process';
import { openStandInProviders } from './support/stand-in-page';
import { writeStandInRecipe } from './support/stand-in-recipe';
import { connectClient } from './support/ws-client';

const session = e2eSession();

async function waitGone(pid: number, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isRunning(pid);
}

describe('providers in Chromium', () => {
  it('starts a stand-in from its tile, streams its log, and stops it', async () => {
    const { dirs, port, page, providers } = await openStandInProviders(session);

    await providers.button('standin', 'provider-start').click();
    await providers.waitStatus('standin', 'starting', 10_000).catch(() => {}); // may pass too fast to see
    await providers.waitStatus('standin', 'running');
    await expect(providers.field('standin', 'provider-port').textContent()).resolves.toContain(String(port));
    await page.screenshot({ path: path.join(process.cwd(), 'test-results', 'providers.png'), fullPage: true });
    const pid = Number((await providers.field('standin', 'provider-pid').textContent())!.replace(/\D/g, ''));
    expect(isRunning(pid)).toBe(true);

    await providers.button('standin', 'provider-logs').click();
    const logs = new LogPanel(page);
    await logs.waitForLine(`server is listening on http://127.0.0.1:${port}`);
    await page.screenshot({ path: path.join(process.cwd(), 'test-results', 'provider-logs.png') });

    await page.goBack();
    await providers.button('standin', 'provider-stop').click();
    await providers.waitStatus('standin', 'stopped');
    expect(await waitGone(pid)).toBe(true);
    const logFile = await readFile(path.join(dirs.baseDir, 'logs', 'standin.log'), 'utf8');
    expect(logFile).toContain('got SIGTERM, shutting down');
    await page.close();
  });

  it('no provider process survives the host being stopped with SIGTERM', async () => {
    const dirs = await freshDirs();
    await writeStandInRecipe(dirs.baseDir, {
      port: await pickPort(19000),
      env: { STANDIN_GRANDCHILD: 'setsid', STANDIN_PID_FILE: path.join(dirs.baseDir, 'gc.pid') },
    });
    session.host = await startCliHost(dirs);
    const { client, close } = await connectClient(session.host.origin, session.host.token);
    const state = await client.invoke('providers.start', { id: 'standin' });
    expect(state.status).toBe('running');
    const grandchild = Number(await readFile(path.join(dirs.baseDir, 'gc.pid'), 'utf8'));
    close();
    expect(await session.host.stop('SIGTERM')).toBe(0);
    session.host = undefined;
    expect(await waitGone(state.pid!)).toBe(true);
    expect(await waitGone(grandchild)).toBe(true);
  });

  it('auto-start brings back the providers that were running when the host quit', async () => {
    const dirs = await freshDirs();
    await writeStandInRecipe(dirs.baseDir, { port: await pickPort(19700) });
    session.host = await startCliHost(dirs);
    let remote = await connectClient(session.host.origin, session.host.token);
    await remote.client.invoke('providers.start', { id: 'standin' });
    remote.close();
    expect(await session.host.stop('SIGTERM')).toBe(0);
    session.host = await startCliHost(dirs);
    remote = await connectClient(session.host.origin, session.host.token);
    let state = (await remote.client.invoke('providers.get', { id: 'standin' })).state;
    for (let i = 0; i < 100 && state.status !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = (await remote.client.invoke('providers.get', { id: 'standin' })).state;
    }
    expect(state.status).toBe('running');
    remote.close();
  });

  it('a host killed outright leaves a provider behind; the next start stops it', async () => {
    const dirs = await freshDirs();
    await writeStandInRecipe(dirs.baseDir, { port: await pickPort(19500) });
    session.host = await startCliHost(dirs);
    const { client, close } = await connectClient(session.host.origin, session.host.token);
    const state = await client.invoke('providers.start', { id: 'standin' });
    close();
    await session.host.stop('SIGKILL');
    session.host = undefined;
    expect(isRunning(state.pid!)).toBe(true);
    session.host = await startCliHost(dirs);
    expect(await waitGone(state.pid!)).toBe(true);
    // The note is written just after the kill; give the file a moment.
    let logFile = '';
    for (let i = 0; i < 50 && !logFile.includes('left running by a previous session'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      logFile = await readFile(path.join(dirs.baseDir, 'logs', 'standin.log'), 'utf8');
    }
    expect(logFile).toContain('left running by a previous session');
  });
});
