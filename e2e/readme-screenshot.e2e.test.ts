import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTinyGguf } from '../scripts/make-tiny-gguf';
import { pickPort } from '../main/services/os/ports';
import { AppShell } from './pages/app-shell';
import { freshDirs, projectRoot, startCliHost, writeSettings } from './support/host-process';
import { writeStandInRecipe } from './support/stand-in-recipe';
import { e2eSession } from './support/session';
import { connectClient } from './support/ws-client';

const session = e2eSession();

// The README's picture of the live tiles (the Providers page), taken from the real app with two providers running (the
// built-in engine on the tiny model and a stand-in llama-server). A test run writes it to
// test-results/readme/, so `npm test` leaves the working tree clean; README_SCREENSHOT=update
// writes it over docs/images/providers.png, to commit when the page changed.
describe('the README screenshot', () => {
  it('shows the providers page with two providers running and their usage', async () => {
    const dirs = await freshDirs();
    await mkdir(path.join(dirs.baseDir, 'models'), { recursive: true });
    writeTinyGguf(path.join(dirs.baseDir, 'models', 'tiny-llama.gguf'));
    await writeStandInRecipe(dirs.baseDir, { port: await pickPort(24500 + Math.floor(Math.random() * 500)) });
    await writeSettings(dirs, {
      gateway: { port: await pickPort(8400 + 2400 + Math.floor(Math.random() * 500)) },
      providers: { engine: { threads: 1, contextSize: 512 } },
      resourceIntervalSec: 1,
    });
    session.host = await startCliHost(dirs);
    const { client, close } = await connectClient(session.host.origin, session.host.token);
    for (const id of ['engine', 'standin']) expect((await client.invoke('providers.start', { id })).status).toBe('running');
    close();

    const page = await session.browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(session.host.url);
    const shell = new AppShell(page);
    await shell.waitConnected();
    await shell.open('providers');
    await page.locator('[data-testid="provider-tile-engine"][data-status="running"]').waitFor({ timeout: 15_000 });
    // A few samples, so the sparklines have a line to draw.
    await page.waitForTimeout(4_000);
    const images =
      process.env.README_SCREENSHOT === 'update'
        ? path.join(projectRoot, 'docs', 'images')
        : path.join(projectRoot, 'test-results', 'readme');
    await mkdir(images, { recursive: true });
    // Only what runs: the two live tiles side by side.
    await page.getByTestId('providers-filter').selectOption('running');
    await page.locator('[data-testid="provider-tile-standin"][data-status="running"]').waitFor();
    await page.screenshot({ path: path.join(images, 'providers.png') });
    await page.close();
  });
});
