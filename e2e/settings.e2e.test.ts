import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppShell } from './pages/app-shell';
import { SettingsPage } from './pages/settings-page';
import { e2eSession } from './support/session';
import { freshDirs, startCliHost } from './support/host-process';

const session = e2eSession();

describe('settings in Chromium', () => {
  it('a setting changed in the UI survives a host restart', async () => {
    const dirs = await freshDirs();
    session.host = await startCliHost(dirs);
    let page = await session.browser.newPage();
    await page.goto(session.host.url);
    await new AppShell(page).open('settings');
    const settings = new SettingsPage(page);
    await expect(settings.input('healthIntervalSec').inputValue()).resolves.toBe('30');
    await expect(settings.source('healthIntervalSec').textContent()).resolves.toMatch(/default/i);
    await settings.setNumber('healthIntervalSec', 7);
    // Typed but not saved: the label says so, not "default" beside a 7.
    await expect(settings.source('healthIntervalSec').textContent()).resolves.toBe('edited, not saved');
    await expect(settings.source('startupTimeoutSec').textContent()).resolves.toMatch(/default/i);
    await settings.save();
    await page.close();

    // Written where the seed spec's layout says, in the temp base directory.
    const saved = JSON.parse(await readFile(path.join(dirs.baseDir, 'config', 'settings.json'), 'utf8'));
    // Only what the user saved is written: the wizard's place (saved when it finished) and the
    // test host's ports (writeSettings) were there before; the setting left at its default is not.
    expect(Object.keys(saved).sort()).toEqual(['gateway', 'healthIntervalSec', 'providers', 'wizard']);
    expect(saved).toMatchObject({ wizard: { completed: true, step: 0, selected: [] }, healthIntervalSec: 7 });

    expect(await session.host.stop()).toBe(0);
    session.host = await startCliHost(dirs);
    page = await session.browser.newPage();
    await page.goto(session.host.url);
    await new AppShell(page).open('settings');
    const again = new SettingsPage(page);
    await expect(again.input('healthIntervalSec').inputValue()).resolves.toBe('7');
    await expect(again.source('healthIntervalSec').textContent()).resolves.toMatch(/saved/i);
    await page.close();
  });

  it('shows a corrupt settings file as a problem instead of losing it', async () => {
    const dirs = await freshDirs();
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(path.join(dirs.baseDir, 'config'), { recursive: true });
    await writeFile(path.join(dirs.baseDir, 'config', 'settings.json'), '{"healthIntervalSec": 5,,}');
    session.host = await startCliHost(dirs);
    expect(session.host.output()).toContain('Settings problem');
    const page = await session.browser.newPage();
    await page.goto(session.host.url);
    await new AppShell(page).open('settings');
    const banner = page.getByTestId('settings-problems');
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toContain('settings.json.corrupt-');
    await page.close();
  });

  it('sets how often discovery scans, refusing a value out of range', async () => {
    const dirs = await freshDirs();
    session.host = await startCliHost(dirs);
    const page = await session.browser.newPage();
    await page.goto(session.host.url);
    await new AppShell(page).open('settings');
    const card = page.getByTestId('discovery-settings');
    const input = card.getByTestId('setting-discovery-interval');
    await expect(input.inputValue()).resolves.toBe('15');
    await input.fill('99999');
    await expect(card.getByTestId('discovery-settings-save').isDisabled()).resolves.toBe(true);
    await input.fill('60');
    await card.getByTestId('discovery-settings-save').click();
    await card.getByTestId('discovery-settings-status').getByText('Saved').waitFor();
    const saved = JSON.parse(await readFile(path.join(dirs.baseDir, 'config', 'settings.json'), 'utf8'));
    // The field saved, not the endpoint list beside it at its default.
    expect(saved.discovery).toEqual({ intervalSec: 60 });
    await page.close();
  });
});
