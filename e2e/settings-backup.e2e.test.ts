import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freshDirs, startCliHost, writeSettings } from './support/host-process';
import { e2eSession } from './support/session';

const session = e2eSession();

describe('Settings → Backup & restore, Export for HelixCode, App log (Chromium)', () => {
  it('downloads a backup, restores it from an upload after showing what changes, previews and writes the HelixCode export, saves the log level', async () => {
    const dirs = await freshDirs();
    await writeSettings(dirs, { gateway: { port: 0 }, healthIntervalSec: 21 });
    const config = path.join(dirs.baseDir, 'config');
    await mkdir(path.join(config, 'vllm'), { recursive: true });
    await writeFile(path.join(config, 'vllm', 'config.yaml'), '# mine\nport: 8000\n');
    session.host = await startCliHost(dirs);
    const context = await session.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(session.host.url);
    await page.goto(`${session.host.origin}/#/settings`);
    const card = page.getByTestId('backup-card');
    await card.waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('backup-download').click()]);
    expect(download.suggestedFilename()).toMatch(/^local-llm-backup-.*\.tar\.gz$/);
    const archive = path.join(path.dirname(dirs.baseDir), download.suggestedFilename());
    await download.saveAs(archive);
    await expect.poll(() => card.getByTestId('backup-made').textContent()).toContain('2 files');

    // Changed after the backup: the restore shows it as a replacement, then puts the old bytes back.
    await writeFile(path.join(config, 'vllm', 'config.yaml'), 'changed\n');
    await card.getByTestId('backup-upload').setInputFiles(archive);
    const plan = card.getByTestId('backup-plan');
    await plan.waitFor();
    expect(await plan.textContent()).toContain('replace config/vllm/config.yaml');
    await card.getByTestId('backup-restore').click();
    await expect
      .poll(() => card.getByTestId('backup-restored').textContent())
      .toMatch(/Restored 1 file\(s\)\. What it replaced is kept in .*config\.before-restore-/);
    expect(await readFile(path.join(config, 'vllm', 'config.yaml'), 'utf8')).toBe('# mine\nport: 8000\n');
    expect((await readdir(dirs.baseDir)).some((name) => name.startsWith('config.before-restore-'))).toBe(true);

    // A file that is not a backup is refused, naming why.
    const bogus = path.join(path.dirname(dirs.baseDir), 'bogus.tar.gz');
    await writeFile(bogus, 'hello');
    await card.getByTestId('backup-upload').setInputFiles(bogus);
    await expect.poll(() => card.getByTestId('backup-refused').textContent()).toContain('not a .tar.gz archive');

    const exporter = page.getByTestId('helix-export');
    await exporter.getByTestId('helix-export-preview').click();
    await expect
      .poll(
        async () => parse((await exporter.getByTestId('helix-export-yaml').textContent()) ?? '')?.llm?.providers?.local_llm_gateway?.type,
      )
      .toBe('openai');
    const helix = path.join(path.dirname(dirs.baseDir), 'config.yaml');
    await writeFile(helix, '# HelixCode\nother: 1 # keep\n');
    await exporter.getByTestId('helix-export-file').fill(helix);
    await exporter.getByTestId('helix-export-write').click();
    await exporter.getByTestId('helix-export-written').waitFor();
    expect((await readFile(helix, 'utf8')).startsWith('# HelixCode\nother: 1 # keep\n')).toBe(true);

    await page.getByTestId('setting-logLevel').selectOption('debug');
    await expect.poll(async () => JSON.parse(await readFile(path.join(config, 'settings.json'), 'utf8')).logLevel).toBe('debug');
    await expect.poll(() => page.getByTestId('source-logLevel').textContent()).toBe('saved');
    await context.close();
  });
});
