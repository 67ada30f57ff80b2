import { mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandInHub, type StandInHub } from '../test/fixtures/stand-ins/hf-hub';
import { AppShell } from './pages/app-shell';
import { GatewayPage } from './pages/gateway-page';
import { ModelsPage } from './pages/models-page';
import { freshDirs, projectRoot } from './support/host-process';
import { startHostWithHub } from './support/hub-host';
import { e2eSession } from './support/session';

const session = e2eSession();
let hub: StandInHub;
beforeAll(async () => {
  // Slow enough (about 5 s for a tiny model) that the page shows a download in progress.
  hub = await startStandInHub({ bytesPerSecond: 100_000 });
});
afterAll(() => hub.close());

const shot = (name: string) => path.join(projectRoot, 'test-results', name);

describe('Models page: get a model from the hub', () => {
  it('says so when the disk fills up during a download, and Retry finishes it once there is room', async () => {
    const dirs = await freshDirs();
    session.host = await startHostWithHub(dirs, hub, [
      { id: 'tiny-chat', name: 'Tiny chat', kind: 'chat', file: 'tiny.Q4_K_M.gguf', goodFor: 'Nonsense, quickly.' },
    ]);
    // The kernel's own full disk: every write to /dev/full fails with ENOSPC, as a full disk does.
    const partDir = path.join(dirs.baseDir, 'cache', 'downloads');
    await mkdir(partDir, { recursive: true });
    await symlink('/dev/full', path.join(partDir, 'tiny.Q4_K_M.gguf.part'));

    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(session.host.url);
    await new AppShell(page).open('models');
    const models = new ModelsPage(page);
    await models.starter('tiny-chat').getByTestId('hub-pull').click();
    const row = models.download('tiny.Q4_K_M.gguf');
    await page.locator('[data-testid="download-row-tiny.Q4_K_M.gguf"][data-status="failed"]').waitFor({ timeout: 15_000 });
    await expect(row.getByTestId('download-error').textContent()).resolves.toMatch(
      /^The disk filled up: tiny\.Q4_K_M\.gguf stopped at 0 B of [\d.]+ KiB, and the disk holding .* free\. Free some space, then Retry/,
    );
    await expect(row.getByTestId('download-resume').textContent()).resolves.toBe('Retry');
    await row.screenshot({ path: shot('models-download-disk-full.png') });

    await rm(path.join(partDir, 'tiny.Q4_K_M.gguf.part'));
    await row.getByTestId('download-resume').click();
    await page.locator('[data-testid="download-row-tiny.Q4_K_M.gguf"][data-status="done"]').waitFor({ timeout: 30_000 });
    await models.row('tiny.Q4_K_M.gguf').waitFor({ timeout: 15_000 });
    await page.close();
  });

  it('shows the starters first, searches, opens a repository, downloads a quantisation with progress, lists the model, and chats with it in Try it', async () => {
    const dirs = await freshDirs();
    session.host = await startHostWithHub(dirs, hub, [
      { id: 'tiny-embed', name: 'Tiny embed', kind: 'embedding', file: 'tiny.Q8_0.gguf', goodFor: 'Vectors for tests.' },
      { id: 'tiny-chat', name: 'Tiny chat', kind: 'chat', file: 'tiny.Q4_K_M.gguf', goodFor: 'Nonsense, quickly.' },
    ]);

    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(session.host.url);
    await new AppShell(page).open('models');
    const models = new ModelsPage(page);

    // The starters come first: the recommended chat model leads, with its size from the hub and a fit badge.
    const chat = models.starter('tiny-chat');
    await chat.waitFor();
    await expect(models.hub.locator('[data-testid^="starter-"]').first().getAttribute('data-testid')).resolves.toBe('starter-tiny-chat');
    await expect(chat.getByTestId('starter-recommended').isVisible()).resolves.toBe(true);
    expect(await models.starter('tiny-embed').getByTestId('starter-recommended').count()).toBe(0);
    await expect(chat.getByTestId('starter-size').textContent()).resolves.toMatch(/KiB$/);
    await expect(chat.getByTestId('fit-badge').getAttribute('data-fit')).resolves.toMatch(
      /^(fits on the GPU|partly on the GPU|CPU only, slow)$/,
    );
    // A model this small answers quickly on a CPU: the badge does not call it slow.
    await expect(chat.getByTestId('fit-badge').textContent()).resolves.toMatch(/^(Fits on the GPU|Partly on the GPU|Runs on the CPU)$/);
    const startersBox = (await models.hub.getByTestId('starters').boundingBox())!;
    const searchBox = (await page.getByTestId('hub-search-input').boundingBox())!;
    expect(startersBox.y).toBeLessThan(searchBox.y);
    await page.screenshot({ path: shot('models-hub-starters.png'), fullPage: true });

    // Search, in both orders; the gated repository says so.
    await models.search('tiny');
    await models.result('org/tiny-GGUF').waitFor();
    await expect(page.getByTestId('hub-results').locator('button').first().getAttribute('data-testid')).resolves.toBe(
      'hub-result-org/tiny-GGUF',
    );
    await expect(models.result('org/gated-GGUF').getByTestId('hub-result-gated').isVisible()).resolves.toBe(true);
    await models.search('tiny', 'likes');
    await expect
      .poll(() => page.getByTestId('hub-results').locator('button').first().getAttribute('data-testid'))
      .toBe('hub-result-org/split-GGUF');

    await models.result('org/gated-GGUF').click();
    await models.repo.getByTestId('hub-gated-notice').waitFor();
    await expect(models.repo.getByTestId('hub-gated-notice').textContent()).resolves.toContain('accept the licence on its page');
    // Without a token the pull is refused before any download, with the same advice.
    await models.choice('gated.Q8_0.gguf').getByTestId('hub-pull').click();
    await expect(models.choice('gated.Q8_0.gguf').getByTestId('hub-pull-error').textContent()).resolves.toContain(
      `accept the licence on its page (${hub.endpoint}/org/gated-GGUF) and set HF_TOKEN`,
    );
    expect(await models.download('gated.Q8_0.gguf').count()).toBe(0);
    await models.repo.screenshot({ path: shot('models-hub-gated.png') });

    // A repository: its card summary, licence, link, and choices with fit badges; Q4_K_M recommended.
    await models.result('org/tiny-GGUF').click();
    await models.choice('tiny.Q8_0.gguf').waitFor();
    await expect(models.repo.getByTestId('hub-repo-summary').textContent()).resolves.toMatch(/^A tiny random llama model for tests/);
    await expect(models.repo.getByTestId('hub-repo-license').textContent()).resolves.toContain('apache-2.0');
    await expect(models.repo.getByTestId('hub-repo-page').getAttribute('href')).resolves.toBe(`${hub.endpoint}/org/tiny-GGUF`);
    expect(await models.repo.getByTestId('hub-gated-notice').count()).toBe(0);
    await expect(models.choice('tiny.Q4_K_M.gguf').getByTestId('hub-choice-recommended').isVisible()).resolves.toBe(true);
    await expect(models.choice('tiny.Q8_0.gguf').getByTestId('fit-badge').isVisible()).resolves.toBe(true);

    // Download Q8_0: the row shows it in progress, then done, and the model joins the list.
    await models.choice('tiny.Q8_0.gguf').getByTestId('hub-pull').click();
    const row = models.download('tiny.Q8_0.gguf');
    await page.locator('[data-testid="download-row-tiny.Q8_0.gguf"][data-status="downloading"]').waitFor();
    await expect
      .poll(async () => Number(await row.getByTestId('download-progress').getAttribute('aria-valuenow')), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await expect(row.getByTestId('download-speed').textContent()).resolves.toMatch(/\/s$/);
    // The button follows the file while the downloads list shows the detail.
    await expect(models.choice('tiny.Q8_0.gguf').getByTestId('hub-pull').textContent()).resolves.toMatch(/^(Downloading \d+%|Verifying…)$/);
    await page.screenshot({ path: shot('models-hub-downloading.png'), fullPage: true });
    await page.locator('[data-testid="download-row-tiny.Q8_0.gguf"][data-status="done"]').waitFor({ timeout: 30_000 });
    const model = models.row('tiny.Q8_0.gguf');
    await model.waitFor({ timeout: 15_000 });
    await expect(models.field('tiny.Q8_0.gguf', 'model-arch').textContent()).resolves.toBe('llama');
    await page.locator('[data-testid="hub-choice-tiny.Q8_0.gguf"] [data-testid="hub-pull"][data-state="here"]').waitFor();

    // One click on the recommended starter gets it too.
    await chat.getByTestId('hub-pull').click();
    await models.row('tiny.Q4_K_M.gguf').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="starter-tiny-chat"] [data-testid="hub-pull"][data-state="here"]').waitFor();
    await page.screenshot({ path: shot('models-hub-done.png'), fullPage: true });
    await models.repo.screenshot({ path: shot('models-hub-repo.png') });
    // A narrow window: the choices fold onto two lines rather than overflow.
    await page.setViewportSize({ width: 820, height: 900 });
    await models.repo.screenshot({ path: shot('models-hub-repo-narrow.png') });

    // Then chat with the quantisation just pulled: Try it loads it on demand and streams.
    await page.setViewportSize({ width: 1280, height: 1200 });
    await new AppShell(page).open('gateway');
    const gateway = new GatewayPage(page);
    await page.getByTestId('try-model').locator('option', { hasText: 'tiny.Q8_0.gguf' }).waitFor({ state: 'attached', timeout: 15_000 });
    await page.getByTestId('try-model').selectOption('tiny.Q8_0.gguf');
    await gateway.tryInput.fill('Hello?');
    await gateway.trySend.click();
    await page.locator('[data-testid="try-output"][data-running="false"]').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('try-error').count()).resolves.toBe(0);
    expect((await gateway.tryOutput.textContent())!.trim().length).toBeGreaterThan(0);
    await expect(gateway.tryProvider.textContent()).resolves.toBe('engine~tiny.Q8_0.gguf');
    await page.close();
  });
});
