import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import getPort from 'get-port';
import { tempDir } from '../../test/temp-dir';
import { processesOf, untilNoneLeft } from '../support/our-processes';
import { writeStandInRecipe } from '../support/stand-in-recipe';
import { AppShell } from '../pages/app-shell';
import { ProvidersPage } from '../pages/providers-page';
import { WizardPage } from '../pages/wizard-page';
import { electronBinary } from './electron-binary';

// The desktop shell itself, driven through Playwright's Electron support: window, tray, close to
// tray, Quit. Where Electron's binary is not installed (this CI: its download is blocked) the suite
// is skipped with one line saying so; the headless-host suite runs the same flows in Chromium.
const binary = electronBinary();
if ('reason' in binary) console.log(binary.reason);

const MAIN = path.resolve(import.meta.dirname, '../../out/main/index.js');
const apps: ElectronApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close().catch(() => undefined)));
});

async function launch(baseDir: string): Promise<{ app: ElectronApplication; window: Page }> {
  if (!('path' in binary)) throw new Error('unreachable: the suite is skipped without a binary');
  const app = await electron.launch({
    executablePath: binary.path,
    args: [MAIN, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
    env: {
      ...process.env,
      HELIX_LOCAL_LLM_DIR: baseDir,
      HELIX_LOCAL_LLM_E2E_HOOKS: '1',
      HELIX_LOCAL_LLM_AUTO_START: 'false',
      ELECTRON_RENDERER_URL: '',
    } as Record<string, string>,
  });
  apps.push(app);
  return { app, window: await app.firstWindow() };
}

/** The tray menu's top-level labels, read through the test seam in tray.ts. */
function trayLabels(app: ElectronApplication): Promise<string[]> {
  return app.evaluate(() => {
    const hook = (globalThis as { __localLlmTray?: { menu: Electron.Menu } }).__localLlmTray;
    return hook ? hook.menu.items.map((item) => item.label) : [];
  });
}

/** Clicks a tray item by its label path, e.g. ['Providers', 'Stand-in llama-server — stopped', 'Start']. */
function clickTray(app: ElectronApplication, labels: string[]): Promise<void> {
  return app.evaluate((_electron, labelPath) => {
    const hook = (globalThis as { __localLlmTray?: { menu: Electron.Menu } }).__localLlmTray;
    let items = hook?.menu.items ?? [];
    let item: Electron.MenuItem | undefined;
    for (const label of labelPath) {
      item = items.find((candidate) => candidate.label === label || candidate.label.startsWith(`${label} —`));
      if (!item) throw new Error(`no tray item ${label}`);
      items = item.submenu?.items ?? [];
    }
    item!.click();
  }, labels);
}

describe.skipIf('reason' in binary)('desktop app (Electron)', () => {
  it('opens on the wizard at first run, from app://local, with the tray and its menu', async () => {
    const base = path.join(await tempDir(), 'base');
    const { app, window } = await launch(base);
    await new WizardPage(window).root.waitFor();
    expect(window.url()).toMatch(/^app:\/\/local\/index\.html/);
    await expect
      .poll(() => trayLabels(app))
      .toEqual(expect.arrayContaining(['Open dashboard', 'Providers', 'Start all', 'Stop all', 'Quit']));
  });

  it('starts a provider from its tile and from the tray; closing the window keeps the app; Quit leaves no process', async () => {
    const base = path.join(await tempDir(), 'base');
    await mkdir(base, { recursive: true });
    await writeStandInRecipe(base, { port: await getPort() });
    const { app, window } = await launch(base);
    const providers = new ProvidersPage(window);
    await new AppShell(window).open('providers');
    await providers.tile('standin').waitFor();
    await providers.button('standin', 'provider-start').click();
    await providers.waitStatus('standin', 'running');
    await providers.button('standin', 'provider-stop').click();
    await providers.waitStatus('standin', 'stopped');

    await clickTray(app, ['Providers', 'Stand-in llama-server', 'Start']);
    await providers.waitStatus('standin', 'running');

    // As the window's close button does (page.close() would wait for a close the app turns into a hide).
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
    await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible()))).toEqual([false]);
    expect((await processesOf(base)).length).toBeGreaterThan(1); // the app and the provider

    const exited = new Promise<void>((resolve) => app.process().once('exit', () => resolve()));
    await clickTray(app, ['Quit']);
    await exited;
    expect(await untilNoneLeft(base)).toEqual([]);
  });
});
