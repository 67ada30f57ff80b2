import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProviderState } from '../shared/provider';
import { writeTinyGguf } from '../scripts/make-tiny-gguf';
import { AppShell } from './pages/app-shell';
import { ModelsPage } from './pages/models-page';
import { ProvidersPage } from './pages/providers-page';
import { freshDirs, projectRoot, startCliHost } from './support/host-process';
import { e2eSession } from './support/session';
import { connectClient } from './support/ws-client';

const session = e2eSession();

async function until(read: () => Promise<ProviderState>, ok: (s: ProviderState) => boolean, ms = 30_000): Promise<ProviderState> {
  const deadline = Date.now() + ms;
  let state = await read();
  while (!ok(state) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    state = await read();
  }
  return state;
}

describe('the built-in engine under the supervisor', () => {
  it('starts from its tile on a fresh base dir, comes back after kill -9, and its model is listed', async () => {
    const dirs = await freshDirs();
    await mkdir(path.join(dirs.baseDir, 'models'), { recursive: true });
    writeTinyGguf(path.join(dirs.baseDir, 'models', 'tiny-llama.gguf'));
    session.host = await startCliHost(dirs);
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(session.host.url);
    const shell = new AppShell(page);
    await shell.open('providers');
    const providers = new ProvidersPage(page);
    await providers.waitStatus('engine', 'installed');
    await providers.button('engine', 'provider-start').click();
    await providers.waitStatus('engine', 'running', 60_000);

    await shell.open('models');
    const models = new ModelsPage(page);
    await models.row('tiny-llama.gguf').waitFor();
    await expect(models.field('tiny-llama.gguf', 'model-arch').textContent()).resolves.toContain('llama');
    await expect(models.field('tiny-llama.gguf', 'model-quant').textContent()).resolves.toContain('F32');
    await expect(models.field('tiny-llama.gguf', 'model-context').textContent()).resolves.toMatch(/1,?024/);
    await expect(models.field('tiny-llama.gguf', 'model-used-by').textContent()).resolves.toContain('engine');
    await page.screenshot({ path: path.join(projectRoot, 'test-results', 'models.png'), fullPage: true });

    const { client, close } = await connectClient(session.host.origin, session.host.token);
    const read = async () => (await client.invoke('providers.get', { id: 'engine' })).state;
    const first = await read();
    const reply = (await fetch(`http://127.0.0.1:${first.port}/v1/models`).then((r) => r.json())) as { data: Array<{ id: string }> };
    expect(reply.data[0]?.id).toBe('tiny-llama.gguf');
    process.kill(first.pid!, 'SIGKILL');
    const again = await until(read, (s) => s.status === 'running' && s.pid !== first.pid);
    expect(again).toMatchObject({ status: 'running', restarts: 1 });
    close();
    await page.close();
  });

  it('lands in a clear failed state, without a crash loop, when the model is not GGUF', async () => {
    const dirs = await freshDirs();
    await mkdir(path.join(dirs.baseDir, 'models'), { recursive: true });
    await writeFile(path.join(dirs.baseDir, 'models', 'broken.gguf'), 'this is not a model');
    session.host = await startCliHost(dirs);
    const { client, close } = await connectClient(session.host.origin, session.host.token);
    const state = await client.invoke('providers.start', { id: 'engine' });
    expect(state).toMatchObject({ status: 'failed', restarts: 0 });
    expect(state.reason).toContain('exited with code 78');
    expect(state.reason).toContain('is not a GGUF model');
    expect(state.lastError?.hint).toMatch(/restarting would not help/);
    close();
  });
});
