import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSession } from './support/session';
import { freshDirs, startCliHost, type HostDirs } from './support/host-process';

const session = e2eSession();

/** A browser tab on the engine's Configuration card (each tab its own browser context, as two windows). */
async function engineConfigTab(): Promise<{ page: Page; config: Locator }> {
  const page = await session.browser.newPage();
  await page.goto(session.host.url);
  await page.goto(`${session.host.origin}/#/providers/engine`);
  const config = page.getByTestId('provider-config');
  await config.waitFor();
  return { page, config };
}

async function savedEngine(dirs: HostDirs): Promise<unknown> {
  const file = path.join(dirs.baseDir, 'config', 'settings.json');
  return (JSON.parse(await readFile(file, 'utf8')) as { providers?: Record<string, unknown> }).providers?.engine;
}

async function waitForSaved(dirs: HostDirs, expected: unknown): Promise<void> {
  const until = Date.now() + 10_000;
  while (JSON.stringify(await savedEngine(dirs)) !== JSON.stringify(expected) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 100));
  expect(await savedEngine(dirs)).toEqual(expected);
}

describe('two browser tabs on one provider’s Configuration card', () => {
  it('keep both changes to different fields, and the stale one of two changes to a field shows CONFLICT and the value in effect', async () => {
    const dirs = await freshDirs();
    session.host = await startCliHost(dirs);
    const { page: pageA, config: a } = await engineConfigTab();
    const { page: pageB, config: b } = await engineConfigTab();

    await a.getByTestId('provider-port').fill('9101');
    await b.getByTestId('provider-threads').fill('2');
    await a.getByTestId('provider-config-save').click();
    await waitForSaved(dirs, { port: 9101 });
    await b.getByTestId('provider-config-save').click();
    await waitForSaved(dirs, { port: 9101, threads: 2 });
    // B never typed a port: it shows A's.
    await expect.poll(() => b.getByTestId('provider-port').inputValue()).toBe('9101');

    // B starts changing the port, then A saves another port first.
    await b.getByTestId('provider-port').fill('9102');
    await a.getByTestId('provider-port').fill('9103');
    await a.getByTestId('provider-config-save').click();
    await waitForSaved(dirs, { port: 9103, threads: 2 });
    await b.getByTestId('provider-config-save').click();
    const error = b.getByTestId('provider-config-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/reload; your change was not saved/i);
    await expect.poll(() => b.getByTestId('provider-port').inputValue()).toBe('9103');
    expect(await savedEngine(dirs)).toEqual({ port: 9103, threads: 2 });
    await pageA.close();
    await pageB.close();
  });
});
