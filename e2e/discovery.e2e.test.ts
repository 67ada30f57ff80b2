import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import { startStandIn } from '../test/provider-stand-ins';
import { closedPort } from '../test/closed-port';
import { AppShell } from './pages/app-shell';
import { DiscoveryPanel } from './pages/discovery-panel';
import { ProvidersPage } from './pages/providers-page';
import { e2eSession } from './support/session';
import { freshDirs, startCliHost, writeSettings, type HostDirs } from './support/host-process';

const session = e2eSession();

/** A host on these dirs, and its Providers page in the browser. */
async function openProviders(dirs: HostDirs) {
  session.host = await startCliHost(dirs);
  const page = await session.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(session.host.url);
  await new AppShell(page).open('providers');
  return { page, providers: new ProvidersPage(page), discovery: new DiscoveryPanel(page) };
}

describe('discovery in Chromium', () => {
  it('a server started outside the app appears as an external tile after Scan now, with no Start or Stop', async () => {
    const dirs = await freshDirs();
    const port = await pickPort(31000 + Math.floor(Math.random() * 9000));
    // The endpoint is known before anything listens there; no periodic scan, so only Scan now can find it.
    await writeSettings(dirs, { discovery: { endpoints: [`127.0.0.1:${port}`], intervalSec: 0 } });
    const { page, providers, discovery } = await openProviders(dirs);
    // Nothing listens there yet: the chip says so once a scan has looked.
    await expect.poll(() => discovery.endpoints.allTextContents()).toEqual([`127.0.0.1:${port} · nothing answers×`]);
    await discovery.scanNow();
    expect(await providers.tile('ollama').getAttribute('data-status')).not.toBe('external');

    const ollama = await startStandIn('ollama', { port });
    await discovery.scanNow();
    await providers.waitStatus('ollama', 'external', 10_000);
    await expect.poll(() => discovery.endpoints.allTextContents()).toEqual([`127.0.0.1:${port} · answers×`]);
    const tile = providers.tile('ollama');
    await expect(tile.getByTestId('provider-external-url').textContent()).resolves.toBe(`http://127.0.0.1:${port}`);
    await expect(tile.getByTestId('provider-external-version').textContent()).resolves.toContain('0.12.3');
    await expect(tile.getByTestId('provider-models').textContent()).resolves.toContain('llama3.2:1b');
    await expect(tile.getByTestId('provider-status').textContent()).resolves.toBe('External');
    for (const button of ['provider-start', 'provider-stop', 'provider-restart', 'provider-logs']) {
      expect(await tile.getByTestId(button).count(), button).toBe(0);
    }
    await page.screenshot({ path: path.join(process.cwd(), 'test-results', 'discovery-external.png'), fullPage: true });

    // Gone: the next scan takes the tile back.
    await ollama.stop();
    await discovery.scanNow();
    await page.locator('[data-testid="provider-tile-ollama"]:not([data-status="external"])').waitFor({ timeout: 10_000 });
    await page.close();
  });

  it('an endpoint added on the page is probed at once: a locked TabbyAPI tile says so, an unknown server is listed', async () => {
    const tabby = await startStandIn('tabbyapi');
    const unknown = await startStandIn('openai');
    const { page, providers, discovery } = await openProviders(await freshDirs());

    await discovery.root.getByTestId('discovery-endpoint-input').fill('gpu box');
    await expect(discovery.endpointError.textContent()).resolves.toMatch(/host:port/);
    await expect(discovery.root.getByTestId('discovery-endpoint-add').isDisabled()).resolves.toBe(true);

    await discovery.addEndpoint(`localhost:${tabby.port}`);
    await providers.waitStatus('tabbyapi', 'external', 10_000);
    await expect(providers.tile('tabbyapi').getByTestId('provider-locked').textContent()).resolves.toContain('Locked (401)');
    await expect.poll(() => discovery.endpoints.allTextContents()).toEqual([`127.0.0.1:${tabby.port} · answers, locked×`]);

    await discovery.addEndpoint(`127.0.0.1:${unknown.port}`);
    const listed = discovery.server(`127.0.0.1:${unknown.port}`);
    await listed.waitFor({ timeout: 10_000 });
    await expect(listed.getAttribute('data-kind')).resolves.toBe('openai-compatible');
    await expect(listed.textContent()).resolves.toContain('mystery-7b');
    // Nothing listens on this one: its chip says so rather than looking like the others.
    const closed = await closedPort();
    await discovery.addEndpoint(`127.0.0.1:${closed}`);
    const silent = discovery.endpoints.filter({ hasText: `127.0.0.1:${closed}` }).getByTestId('discovery-endpoint-state');
    await expect.poll(() => silent.getAttribute('data-state'), { timeout: 10_000 }).toBe('silent');
    await expect(silent.textContent()).resolves.toContain('nothing answers');
    await page.screenshot({ path: path.join(process.cwd(), 'test-results', 'discovery-found.png'), fullPage: true });
    await page.close();
  });
});
