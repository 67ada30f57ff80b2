import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
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

  it('downloads a model from the Models page, is told to use it with one thread and two parallel requests (shown what that costs in memory), and serves it', async () => {
    const dirs = await freshDirs();
    const source = path.join(dirs.baseDir, '..', 'served.gguf');
    writeTinyGguf(source);
    const body = await readFile(source);
    const sha256 = createHash('sha256').update(body).digest('hex');
    // A real HTTP server, slow enough that progress shows, with Range support.
    const server = createServer(async (req, res) => {
      res.writeHead(200, { 'Content-Length': body.length });
      for (let i = 0; i < body.length && !res.destroyed; i += 64 * 1024) {
        res.write(body.subarray(i, i + 64 * 1024));
        await new Promise((r) => setTimeout(r, 30));
      }
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      session.host = await startCliHost(dirs);
      const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(session.host.url);
      const shell = new AppShell(page);
      await shell.open('models');
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/org/repo/resolve/main/fetched.gguf`;
      await page.getByTestId('download-url').fill(url);
      await page.getByTestId('download-sha256').fill(sha256);
      await page.getByTestId('download-start').click();
      const row = page.getByTestId('download-row-fetched.gguf');
      await row.getByTestId('download-progress').waitFor();
      await page.waitForSelector('[data-testid="download-row-fetched.gguf"][data-status="done"]', { timeout: 30_000 });
      const models = new ModelsPage(page);
      await models.row('fetched.gguf').waitFor({ timeout: 15_000 });
      expect(await readFile(path.join(dirs.baseDir, 'models', 'fetched.gguf'))).toEqual(body);

      await page.goto(`${session.host.origin}/#/providers/engine`);
      const config = page.getByTestId('provider-config');
      await config.getByTestId('provider-model').selectOption('fetched.gguf');
      await config.getByTestId('provider-threads').fill('1');
      // The memory the choices cost, worked out as they are typed: the context for each parallel request.
      const memory = config.getByTestId('engine-memory');
      await memory.getByText('fetched.gguf').waitFor();
      expect(await memory.textContent()).not.toContain('×');
      await config.getByTestId('provider-parallel').fill('2');
      await memory.getByText(/for 1,024 tokens × 2 requests/).waitFor();
      await config.getByTestId('provider-config-save').click();
      const { client, close } = await connectClient(session.host.origin, session.host.token);
      const until = Date.now() + 10_000;
      while (!(await client.invoke('settings.get')).values.providers.engine?.model && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
      // What the page saved, beside the port this test host was given (writeSettings).
      const written = JSON.parse(await readFile(path.join(dirs.baseDir, 'config', 'settings.json'), 'utf8')).providers.engine;
      expect((await client.invoke('settings.get')).values.providers.engine).toEqual({
        port: written.port,
        model: 'fetched.gguf',
        threads: 1,
        parallel: 2,
      });

      const state = await client.invoke('providers.start', { id: 'engine' });
      expect(state.status).toBe('running');
      const reply = (await fetch(`http://127.0.0.1:${state.port}/v1/models`).then((r) => r.json())) as { data: Array<{ id: string }> };
      expect(reply.data[0]?.id).toBe('fetched.gguf');
      expect((await client.invoke('logs.tail', { id: 'engine', limit: 200 })).lines.map((l) => l.text).join('\n')).toContain(
        'threads 1, parallel 2',
      );
      const props = (await fetch(`http://127.0.0.1:${state.port}/props`).then((r) => r.json())) as { total_slots: number };
      expect(props.total_slots).toBe(2);
      close();
      await page.close();
    } finally {
      server.close();
    }
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
