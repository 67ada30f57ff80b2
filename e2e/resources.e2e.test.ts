import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import { AppShell } from './pages/app-shell';
import { ProvidersPage } from './pages/providers-page';
import { ResourcesPage } from './pages/resources-page';
import { freshDirs, runCli, startCliHost, writeSettings } from './support/host-process';
import { e2eSession } from './support/session';
import { writeStandInRecipe } from './support/stand-in-recipe';
import { connectClient } from './support/ws-client';

const session = e2eSession();

async function hostWithRunningStandIn() {
  const dirs = await freshDirs();
  await writeStandInRecipe(dirs.baseDir, { port: await pickPort(20000 + Math.floor(Math.random() * 1000)) });
  session.host = await startCliHost(dirs);
  const remote = await connectClient(session.host.origin, session.host.token);
  const state = await remote.client.invoke('providers.start', { id: 'standin' });
  expect(state.status).toBe('running');
  return remote;
}

describe('resources in Chromium', () => {
  it('draws live graphs that advance, and lists a running provider with its memory', async () => {
    const remote = await hostWithRunningStandIn();
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(session.host.url);
    await new AppShell(page).open('resources');
    const resources = new ResourcesPage(page);

    const cpu = resources.chart('cpu');
    await cpu.locator('canvas').waitFor();
    const first = await resources.waitPointsAbove(cpu, 0);
    const later = await resources.waitPointsAbove(cpu, first);
    expect(later).toBeGreaterThan(first);
    expect(await resources.waitPointsAbove(resources.chart('memory'), 0)).toBeGreaterThan(0);

    const row = resources.providerRow('standin');
    await row.waitFor();
    expect(Number(await row.getAttribute('data-rss'))).toBeGreaterThan(1024 * 1024);
    await expect(row.getByTestId('usage-rss').textContent()).resolves.toMatch(/\d+(\.\d)? (KiB|MiB|GiB)/);
    await page.screenshot({ path: path.join(process.cwd(), 'test-results', 'resources.png'), fullPage: true });

    // A longer range shows the same live samples (the host's history is younger than a minute).
    await resources.range('15m').click();
    await page.locator('[data-range="15m"]').waitFor();
    expect(await resources.waitPointsAbove(cpu, 0)).toBeGreaterThan(0);
    await page.close();
    remote.close();
  });

  it('shows a live CPU/RAM sparkline on a running provider’s tile', async () => {
    const remote = await hostWithRunningStandIn();
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(session.host.url);
    await new AppShell(page).open('providers');
    const providers = new ProvidersPage(page);
    await providers.waitStatus('standin', 'running');
    const sparkline = providers.tile('standin').getByTestId('provider-sparkline');
    await sparkline.waitFor();
    const deadline = Date.now() + 15_000;
    let points = 0;
    while (points < 3 && Date.now() < deadline) {
      points = Number(await sparkline.getAttribute('data-points'));
      await page.waitForTimeout(200);
    }
    expect(points).toBeGreaterThanOrEqual(3);
    await expect(sparkline.locator('polyline').count()).resolves.toBe(2);
    await page.close();
    remote.close();
  });

  it('raises a low-disk alert as a toast in the browser, and a muted kind stays quiet', async () => {
    const dirs = await freshDirs();
    session.host = await startCliHost(dirs);
    const remote = await connectClient(session.host.origin, session.host.token);
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(session.host.url);
    await new AppShell(page).waitConnected();

    // No disk running this test has 100,000 GiB free.
    await remote.client.invoke('settings.update', { alertDiskFreeGiB: 100_000 });
    const toast = page.locator('[data-testid="alert-toast"][data-kind="disk"]');
    await toast.waitFor({ timeout: 15_000 });
    await expect(toast.textContent()).resolves.toMatch(/Disk space is low: [\d.]+ GiB free/);
    await expect(toast.textContent()).resolves.toContain(dirs.baseDir);

    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await toast.waitFor({ state: 'detached' });
    await remote.client.invoke('settings.update', { mutedAlerts: ['disk'], alertDiskFreeGiB: 0.5 });
    await page.waitForTimeout(1500); // re-armed once the free space is back above the threshold
    await remote.client.invoke('settings.update', { alertDiskFreeGiB: 100_000 });
    await page.waitForTimeout(3000);
    expect(await page.locator('[data-testid="alert-toast"]').count()).toBe(0);
    await page.close();
    remote.close();
  });

  it('shows an alert raised before the page opened while its condition holds, in the CLI too, and drops it once it clears', async () => {
    const dirs = await freshDirs();
    // In effect from the first sample, long before any page is open.
    await writeSettings(dirs, { alertDiskFreeGiB: 100_000 });
    session.host = await startCliHost(dirs);
    const remote = await connectClient(session.host.origin, session.host.token);
    await expect
      .poll(async () => (await remote.client.invoke('alerts.active')).alerts.map((a) => a.kind), { timeout: 10_000 })
      .toEqual(['disk']);
    const status = await runCli(dirs, ['status']);
    expect(status.stderr).toMatch(/Alert: Disk space is low: [\d.]+ GiB free\. .* has less than 100000 GiB free/);

    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(session.host.url);
    const toast = page.locator('[data-testid="alert-toast"][data-kind="disk"]');
    await toast.waitFor({ timeout: 10_000 });
    await expect(toast.textContent()).resolves.toContain(dirs.baseDir);
    // It stays while the disk is low (no timeout); dismissed, it stays away after a reload.
    await page.waitForTimeout(2_000);
    await expect(toast.count()).resolves.toBe(1);
    // Staying, it never hides the page's end for good: scrolled down, the page ends above it.
    const scrolledDown = () =>
      page.locator('main.main').evaluate((main) => {
        main.scrollTop = main.scrollHeight;
        return {
          pageEnd: main.lastElementChild!.getBoundingClientRect().bottom,
          toastsTop: main.ownerDocument.querySelector('.toasts')?.getBoundingClientRect().top,
          room: main.ownerDocument.defaultView!.getComputedStyle(main).paddingBottom,
        };
      });
    const withToast = await scrolledDown();
    expect(withToast.pageEnd).toBeLessThanOrEqual(withToast.toastsTop!);
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await toast.waitFor({ state: 'detached' });
    expect((await scrolledDown()).room).toBe('0px');
    await page.reload();
    await new AppShell(page).waitConnected();
    await page.waitForTimeout(1_500);
    await expect(toast.count()).resolves.toBe(0);
    // Cleared and raised again, it is a new alert and shows; it goes by itself once the threshold is under the free space.
    await remote.client.invoke('settings.update', { alertDiskFreeGiB: 0.5 });
    await expect.poll(async () => (await remote.client.invoke('alerts.active')).alerts, { timeout: 10_000 }).toEqual([]);
    await remote.client.invoke('settings.update', { alertDiskFreeGiB: 100_000 });
    await toast.waitFor({ timeout: 10_000 });
    await remote.client.invoke('settings.update', { alertDiskFreeGiB: 0.5 });
    await toast.waitFor({ state: 'detached', timeout: 10_000 });
    expect((await remote.client.invoke('alerts.active')).alerts).toEqual([]);
    expect((await runCli(dirs, ['status'])).stderr).not.toContain('Alert:');
    await page.close();
    remote.close();
  });
});
