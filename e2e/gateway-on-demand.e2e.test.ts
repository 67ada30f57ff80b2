import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AppShell } from './pages/app-shell';
import { GatewayPage } from './pages/gateway-page';
import { projectRoot, runCli, startCliHost } from './support/host-process';
import { processesOf, untilNoneLeft } from './support/our-processes';
import { e2eSession } from './support/session';
import { dirsWithTinyModel, TINY_MODEL } from './support/tiny-model-dirs';

const session = e2eSession();
const MODEL = TINY_MODEL;

/** A short question for the tiny model, straight to the gateway as any client. */
function askGateway(gatewayPort: number): Promise<Response> {
  return fetch(`http://127.0.0.1:${gatewayPort}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
  });
}

describe('load on demand from the Gateway page, in Chromium', () => {
  it('shows the model unloaded; "Try it" loads it and streams the answer; then it shows loaded, and Unload unloads it', async () => {
    const { dirs } = await dirsWithTinyModel();
    session.host = await startCliHost(dirs);
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 1400 } });
    await page.goto(session.host.url);
    await new AppShell(page).open('gateway');
    const gateway = new GatewayPage(page);
    await gateway.onDemandRow(MODEL, 'unloaded').waitFor();
    await page.getByTestId('routes-empty').waitFor();

    // The picker offers it although no provider runs; sending loads it first.
    await page.getByTestId('try-model').selectOption(MODEL);
    await gateway.tryInput.fill('hello world');
    await gateway.trySend.click();
    // Starting the engine takes about two seconds: the page says why nothing streams yet.
    await page.locator('[data-testid="try-output"][data-running="true"]', { hasText: 'Loading model…' }).waitFor({ timeout: 10_000 });
    await gateway.onDemandRow(MODEL, 'loading').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="try-output"][data-running="false"]').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('try-error').count()).resolves.toBe(0);
    expect((await gateway.tryOutput.textContent())!.length).toBeGreaterThan(0);
    await expect(gateway.tryProvider.textContent()).resolves.toBe(`engine~${MODEL}`);
    await gateway.onDemandRow(MODEL, 'loaded').waitFor();
    await gateway.target(MODEL, `engine~${MODEL}`).waitFor();
    // Its idle timer starts once the answer's lease ends, which the (throttled) status tells a moment later.
    await expect.poll(() => gateway.onDemandRow(MODEL, 'loaded').textContent()).toMatch(/unloads in/);
    await page.getByTestId('on-demand-card').screenshot({ path: path.join(projectRoot, 'test-results', 'gateway-on-demand.png') });
    // The engine's tile says it is at work, though the engine itself was never started.
    await new AppShell(page).open('providers');
    const engineTile = page.getByTestId('provider-tile-engine');
    await engineTile.locator(`[data-testid="provider-on-demand-${MODEL}"][data-state="loaded"]`).waitFor();
    await expect(engineTile.getByTestId('provider-on-demand').textContent()).resolves.toMatch(/port \d+ · PID \d+/);
    await expect(engineTile.getAttribute('data-status')).resolves.toBe('installed');
    // Stop all would stop it, so it is offered though no tile runs.
    await expect(page.getByTestId('providers-stop-all').isEnabled()).resolves.toBe(true);
    // Its log is one click away, on the Logs page under the instance's id.
    await engineTile.getByTestId('provider-on-demand').getByRole('link', { name: 'log' }).click();
    await page.getByTestId('page-logs').waitFor();
    await page.getByTestId('page-logs').getByText('engine: model loaded, ready').first().waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('logs-provider-select').inputValue()).resolves.toBe(`engine~${MODEL}`);
    // With nothing picked, the Logs page offers what runs now.
    await page.getByTestId('logs-provider-select').selectOption('');
    await page
      .getByTestId('logs-running')
      .getByRole('link', { name: `${MODEL} (on demand)` })
      .click();
    await expect.poll(() => page.getByTestId('logs-provider-select').inputValue()).toBe(`engine~${MODEL}`);
    // The Resources page counts it, with its state and its log a click away.
    await new AppShell(page).open('resources');
    const usage = page.getByTestId(`resources-provider-engine~${MODEL}`);
    await expect(usage.getByTestId('usage-on-demand').textContent({ timeout: 15_000 })).resolves.toBe('loaded, on demand');
    await expect(usage.getByRole('link', { name: `engine~${MODEL}` }).getAttribute('href')).resolves.toBe(`#/logs/engine~${MODEL}`);
    await new AppShell(page).open('gateway');

    await page.getByTestId(`on-demand-unload-${MODEL}`).click();
    await gateway.onDemandRow(MODEL, 'unloaded').waitFor();
    await page.getByTestId('routes-empty').waitFor();
    await page.close();
  });

  it('a model loaded on demand is a supervised process: Ctrl-C leaves nothing, and after kill -9 of the host the next one sweeps it', async () => {
    const { dirs, gatewayPort } = await dirsWithTinyModel();
    const ask = () => askGateway(gatewayPort);
    let host = await startCliHost(dirs);
    // Whatever this test leaves behind on a failure is killed, so it cannot spoil the next one.
    onTestFinished(async () => {
      for (const p of await processesOf(dirs.baseDir)) process.kill(p.pid, 'SIGKILL');
    });
    // Before any request, `gateway status` names the model a request would load.
    const before = await runCli(dirs, ['gateway', 'status']);
    expect(before.stdout).toContain(`Loaded on demand when a request names one (1):\n  ${MODEL}  unloaded`);
    expect(before.stdout).not.toContain('No models to route to yet');
    expect((await ask()).status).toBe(200);
    const engine = (await processesOf(dirs.baseDir)).find((p) => p.command.includes('engine.js'));
    expect(engine).toBeDefined();
    // `status` from a second terminal names that process, though no catalog tile runs it.
    const status = await runCli(dirs, ['status']);
    const row = status.stdout.split('\n').find((line) => line.startsWith(`engine~${MODEL} `));
    expect(row?.split(/\s{2,}/)).toEqual([
      `engine~${MODEL}`,
      'loaded',
      expect.stringMatching(/^\d+$/),
      String(engine!.pid),
      expect.stringContaining(`${MODEL}, loaded on demand by the gateway; unloads at`),
    ]);
    const json = JSON.parse((await runCli(dirs, ['status', '--json'])).stdout) as {
      onDemand: Array<{ instanceId: string; pid: number; state: string }>;
    };
    expect(json.onDemand).toEqual([expect.objectContaining({ instanceId: `engine~${MODEL}`, pid: engine!.pid, state: 'loaded' })]);
    // Its log through the host, as through the file when no host runs.
    const log = await runCli(dirs, ['logs', `engine~${MODEL}`, '-n', '20']);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toContain('engine: model loaded, ready');
    expect(await host.stop('SIGINT')).toBe(0);
    expect(await untilNoneLeft(dirs.baseDir)).toEqual([]);

    host = await startCliHost(dirs);
    expect((await ask()).status).toBe(200);
    host.process.kill('SIGKILL');
    await new Promise((resolve) => host.process.once('exit', resolve));
    expect((await processesOf(dirs.baseDir)).some((p) => p.command.includes('engine.js'))).toBe(true);
    session.host = await startCliHost(dirs);
    const left = (await processesOf(dirs.baseDir)).filter((p) => p.pid !== session.host.process.pid);
    expect(left, 'the restarted host swept the instance the dead one left').toEqual([]);
  });

  it('`models rm` of a model the gateway loaded on demand unloads it first, then deletes the file', async () => {
    const { dirs, gatewayPort } = await dirsWithTinyModel();
    const ask = () => askGateway(gatewayPort);
    session.host = await startCliHost(dirs);
    expect((await ask()).status).toBe(200);
    const engine = (await processesOf(dirs.baseDir)).find((p) => p.command.includes('engine.js'));
    expect(engine).toBeDefined();

    const removed = await runCli(dirs, ['models', 'rm', MODEL]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(existsSync(path.join(dirs.baseDir, 'models', MODEL))).toBe(false);
    expect((await processesOf(dirs.baseDir)).some((p) => p.pid === engine!.pid)).toBe(false);
    // Nothing serves it, nor can load it: the gateway says so, not a process still serving a deleted file.
    expect((await ask()).status).toBe(404);
  });
});
