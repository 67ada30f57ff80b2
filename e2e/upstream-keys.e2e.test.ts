import { readFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import { startKeyedTabby } from '../test/keyed-stand-in';
import { AppShell } from './pages/app-shell';
import { KeyDialog } from './pages/key-dialog';
import { ProvidersPage } from './pages/providers-page';
import { e2eSession } from './support/session';
import { freshDirs, startCliHost, writeSettings } from './support/host-process';

const session = e2eSession();
const KEY = 'tabby-5f0e1d2c3b4a59687766554433221100';
const MODEL = 'Qwen3-8B-exl3';

describe('keys for locked servers in Chromium', () => {
  it('a locked TabbyAPI tile takes a key with Add key: a wrong one is refused, the right one makes it routable through the gateway', async () => {
    const tabby = await startKeyedTabby(KEY, MODEL);
    const dirs = await freshDirs();
    const gatewayPort = await pickPort(8400 + 600 + Math.floor(Math.random() * 500));
    await writeSettings(dirs, { gateway: { port: gatewayPort }, discovery: { endpoints: [`127.0.0.1:${tabby.port}`], intervalSec: 0 } });
    session.host = await startCliHost(dirs);
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(session.host.url);
    await new AppShell(page).open('providers');
    const providers = new ProvidersPage(page);
    const tile = providers.tile('tabbyapi');

    await providers.waitStatus('tabbyapi', 'external', 10_000);
    await expect(tile.getByTestId('provider-locked').textContent()).resolves.toContain('Locked (401): it runs, but its API needs a key.');
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${gatewayPort}/v1`, apiKey: 'none', maxRetries: 0, timeout: 10_000 });
    await expect(client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 404,
    });

    // A wrong key: saved, probed at once, and the tile says it was refused.
    const dialog = new KeyDialog(page);
    await tile.getByTestId('provider-add-key').click();
    await expect(dialog.input.getAttribute('type')).resolves.toBe('password');
    await expect(dialog.save.isDisabled()).resolves.toBe(true);
    await dialog.input.fill('Bearer not-the-key');
    await dialog.save.click();
    await expect(dialog.error.textContent()).resolves.toMatch(/without "Bearer "/);
    await dialog.input.fill('not-the-key');
    await dialog.save.click();
    await dialog.root.waitFor({ state: 'detached' });
    await page.getByText('Locked (401): the key was refused.').waitFor({ timeout: 10_000 });
    await expect(tile.getByTestId('provider-add-key').textContent()).resolves.toBe('Change key');

    // The right one: unlocked, its model on the tile, and the gateway routes a chat to it.
    await tile.getByTestId('provider-add-key').click();
    await expect(dialog.root.getByTestId('key-storage').textContent()).resolves.toContain('A key ending in …-key is saved.');
    await dialog.input.fill(KEY);
    await page.screenshot({ path: path.join(process.cwd(), 'test-results', 'keys-dialog.png') });
    await dialog.save.click();
    await dialog.root.waitFor({ state: 'detached' });
    await tile.getByTestId('provider-with-key').waitFor({ timeout: 10_000 });
    expect(await tile.getByTestId('provider-locked').count()).toBe(0);
    await expect(tile.getByTestId('provider-models').textContent()).resolves.toContain(MODEL);
    await page.screenshot({ path: path.join(process.cwd(), 'test-results', 'keys-unlocked.png'), fullPage: true });
    const answer = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello from the keyed TabbyAPI stand-in.');

    // The page never held the key, and settings.json does not either.
    const html = await page.content();
    expect(html).not.toContain(KEY);
    expect(await readFile(path.join(dirs.baseDir, 'config', 'settings.json'), 'utf8')).not.toContain(KEY);
    await page.close();
  });
});
