import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import { writeTinyGguf } from '../scripts/make-tiny-gguf';
import { AppShell, PAGES } from './pages/app-shell';
import { DashboardPage } from './pages/dashboard-page';
import { e2eSession } from './support/session';
import { freshDirs, projectRoot, runCli, startCliHost, writeSettings } from './support/host-process';

const session = e2eSession();

describe('dashboard in Chromium against the headless host', () => {
  it("renders the shell and this machine's real CPU and RAM", async () => {
    session.host = await startCliHost(await freshDirs());
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(session.host.url);
    // The token moved into a cookie: the address bar no longer shows it.
    expect(page.url()).toBe(`${session.host.origin}/`);

    const shell = new AppShell(page);
    await shell.waitConnected();
    for (const name of PAGES) await expect(shell.nav(name).isVisible()).resolves.toBe(true);

    const dashboard = new DashboardPage(page);
    await dashboard.systemCard.waitFor();
    await expect(dashboard.field('cpu-model').textContent()).resolves.toBe(os.cpus()[0]!.model.trim());
    const totalGiB = (os.totalmem() / 1024 ** 3).toFixed(1);
    await expect(dashboard.field('ram-total').textContent()).resolves.toContain(totalGiB);
    await expect(dashboard.field('cpu-cores').textContent()).resolves.toContain(String(os.cpus().length));
    await dashboard.tool('git').waitFor();
    await expect(dashboard.tool('git').getAttribute('data-found')).resolves.toBe('true');

    const artifacts = path.join(projectRoot, 'test-results');
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });

    // Every page of the shell renders, with its empty state where later features go.
    for (const name of PAGES) await expect((await shell.open(name)).isVisible()).resolves.toBe(true);
    // A page opens at its top, not where the last one was scrolled to.
    await shell.open('gateway');
    await page.locator('main').evaluate((main) => main.scrollTo(0, main.scrollHeight));
    await expect(page.locator('main').evaluate((main) => main.scrollTop)).resolves.toBeGreaterThan(0);
    await shell.open('dashboard');
    await expect(page.locator('main').evaluate((main) => main.scrollTop)).resolves.toBe(0);
    await page.close();
  });

  it('the Now card: nothing running and no model (with the way to one), then a model the gateway loaded on demand', async () => {
    const dirs = await freshDirs();
    const gatewayPort = await pickPort(8400 + 1200 + Math.floor(Math.random() * 400));
    await writeSettings(dirs, { gateway: { port: gatewayPort }, providers: { engine: { threads: 1, contextSize: 512 } } });
    session.host = await startCliHost(dirs);
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(session.host.url);
    const now = page.getByTestId('now-card');
    await now.getByTestId('now-providers').getByText('None started.').waitFor();
    await now.getByTestId('now-gateway').getByText(`http://127.0.0.1:${gatewayPort}/v1`).waitFor();
    await expect(now.getByTestId('now-models').getByRole('link', { name: 'Get a model' }).getAttribute('href')).resolves.toBe('#/models');

    await mkdir(path.join(dirs.baseDir, 'models'), { recursive: true });
    writeTinyGguf(path.join(dirs.baseDir, 'models', 'tiny-now.gguf'));
    const answer = await fetch(`http://127.0.0.1:${gatewayPort}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny-now.gguf', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
    });
    expect(answer.status).toBe(200);
    await now.getByTestId('now-on-demand').getByText('Loaded on demand: tiny-now.gguf').waitFor();
    await now.getByTestId('now-models').getByText('1 GGUF file').waitFor({ timeout: 15_000 });
    await expect(now.getByTestId('now-gateway').textContent()).resolves.toContain('1 model served');
    await now.screenshot({ path: path.join(projectRoot, 'test-results', 'dashboard-now.png') });
    await page.close();
  });

  it('refuses a browser without the token or with a wrong one', async () => {
    session.host = await startCliHost(await freshDirs());
    const page = await session.browser.newPage();
    const bare = await page.goto(session.host.origin);
    expect(bare?.status()).toBe(401);
    await expect(page.textContent('h1')).resolves.toContain('token');
    const wrong = await page.goto(`${session.host.origin}/?token=${'x'.repeat(session.host.token.length)}`);
    expect(wrong?.status()).toBe(401);
    await page.close();
  });

  it('shows the page as unauthorized when the host restarts with a new token', async () => {
    const dirs = await freshDirs();
    session.host = await startCliHost(dirs);
    const port = new URL(session.host.origin).port;
    const page = await session.browser.newPage();
    await page.goto(session.host.url);
    const shell = new AppShell(page);
    await shell.waitConnected();
    await session.host.stop();
    session.host = await startCliHost(dirs, ['--port', port]);
    // The old cookie no longer opens the socket: the indicator says so instead of spinning.
    await page.locator('[data-testid="connection-indicator"][data-status="unauthorized"]').waitFor({ timeout: 30_000 });
    // Over the page, not only in the sidebar's corner: what happened, and where the new link is.
    await expect(page.getByTestId('session-ended').textContent()).resolves.toContain('local-llm-manager status prints it too');
    const status = await runCli(dirs, ['status']);
    expect(status.stdout).toContain(`Open the UI: ${session.host.url}`);
    // That link opens the page again, connected.
    await page.goto(session.host.url);
    await shell.waitConnected();
    expect(await page.getByTestId('session-ended').count()).toBe(0);
    await page.close();
  });
});
