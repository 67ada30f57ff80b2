import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { freshDirs, startCliHost, writeSettings } from './support/host-process';
import { e2eSession } from './support/session';

const session = e2eSession();
const GATEWAY_KEY = 'e2e-gateway-key-never-in-diagnostics';

describe('Settings → Diagnostics (Chromium, real host process)', () => {
  it('downloads one archive with the app log, provider logs and settings, the gateway key removed', async () => {
    const dirs = await freshDirs();
    await writeSettings(dirs, { gateway: { port: 0, apiKey: GATEWAY_KEY } });
    await mkdir(path.join(dirs.baseDir, 'logs'), { recursive: true });
    await writeFile(path.join(dirs.baseDir, 'logs', 'vllm.log'), `vllm: serving with --api-key ${GATEWAY_KEY}\n`);
    session.host = await startCliHost(dirs);
    const context = await session.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(session.host.url);
    await page.goto(`${session.host.origin}/#/settings`);
    const card = page.getByTestId('diagnostics-card');
    await card.waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('diagnostics-save').click()]);
    expect(download.suggestedFilename()).toMatch(/^local-llm-diagnostics-.*\.tar\.gz$/);
    const archive = path.join(path.dirname(dirs.baseDir), download.suggestedFilename());
    await download.saveAs(archive);
    await expect.poll(() => card.getByTestId('diagnostics-made').textContent()).toMatch(/files/);

    const out = path.join(path.dirname(dirs.baseDir), 'diagnostics');
    await mkdir(out);
    await tar.extract({ file: archive, cwd: out });
    expect(await readFile(path.join(out, 'app.log'), 'utf8')).toMatch(/INFO pid \d+: headless host serving/);
    expect(await readFile(path.join(out, 'providers', 'vllm.log'), 'utf8')).toBe('vllm: serving with --api-key [removed]\n');
    expect(JSON.parse(await readFile(path.join(out, 'settings.json'), 'utf8'))).toMatchObject({ gateway: { apiKey: '[removed]' } });
    for (const name of ['app.log', 'providers/vllm.log', 'settings.json', 'system-check.json', 'versions.json']) {
      expect(await readFile(path.join(out, name), 'utf8'), name).not.toContain(GATEWAY_KEY);
    }
    await context.close();
  });
});
