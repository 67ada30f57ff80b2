import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRunning } from '../main/services/os/process-tree';
import { AppShell } from './pages/app-shell';
import { WizardPage } from './pages/wizard-page';
import { cliPath, freshDirs, projectRoot, spawnHost, type HostDirs } from './support/host-process';
import { e2eSession } from './support/session';
import { writeTinyRecipe } from './support/tiny-recipe';
import { connectClient } from './support/ws-client';

const session = e2eSession();

const startHost = (dirs: HostDirs, env: NodeJS.ProcessEnv) => spawnHost(process.execPath, [cliPath, 'serve', '--port', '0'], dirs, env);

describe('the first-run wizard', () => {
  it('runs through on this machine: checks it, installs a provider from a local repository with live progress and log, and starts it', async () => {
    const dirs = await freshDirs({ firstRun: true });
    const flag = path.join(dirs.baseDir, '..', 'let-the-build-finish');
    await writeTinyRecipe(dirs, 18600 + Math.floor(Math.random() * 300));
    session.host = await startHost(dirs, { WAIT_FOR: flag });
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(session.host.url);
    const wizard = new WizardPage(page);
    // First start: the app opens on the wizard.
    await wizard.atStep('System');
    expect(page.url()).toContain('#/install');
    await page.getByTestId('wizard-accelerator').waitFor();
    await expect(page.getByTestId('tool-row-git').textContent()).resolves.toMatch(/\d+\.\d+/);
    await wizard.next();
    await wizard.atStep('Found');
    await wizard.next();
    await wizard.atStep('Choose');
    // It fits and needs nothing missing: ticked already. vLLM needs an NVIDIA GPU: not offered.
    await expect(wizard.choice('tiny').getByTestId('choice-check').isChecked()).resolves.toBe(true);
    await expect(wizard.choice('vllm').getAttribute('data-verdict')).resolves.toBe('does-not-fit');
    await expect(wizard.choice('vllm').getByTestId('choice-check').isDisabled()).resolves.toBe(true);
    await expect(wizard.choice('vllm').getByTestId('choice-reasons').textContent()).resolves.toMatch(/NVIDIA/);
    // Untick what else was chosen for this machine: the test installs only the local provider.
    const ticked = await page
      .locator('li[data-testid^="wizard-choice-"]:has(input:checked)')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!));
    expect(ticked).toContain('wizard-choice-tiny');
    for (const id of ticked.filter((t) => t !== 'wizard-choice-tiny')) await page.getByTestId(id).getByTestId('choice-check').uncheck();
    await expect(page.getByTestId('wizard-choose-total').textContent()).resolves.toMatch(/1 chosen: about 0\.1 GB on disk and 1 min/);
    await wizard.next();
    await wizard.atStep('Install');
    await page.getByTestId('wizard-install-start').click();

    // While it builds: the clone is done, the build step runs, its output shows in the live log.
    await page.locator('[data-testid="install-step-clone"][data-status="done"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="install-step-build-0"][data-status="running"]').waitFor();
    await wizard.run('tiny').getByText('build starting').waitFor();
    await page.screenshot({ path: path.join(projectRoot, 'test-results', 'wizard-installing.png'), fullPage: true });
    await writeFile(flag, '');
    await wizard.run('tiny').getByText('built dist/server.mjs').waitFor({ timeout: 30_000 });
    await wizard.runStatus('tiny', 'done');
    await expect(wizard.run('tiny').locator('[data-status="done"]').count()).resolves.toBe(3);

    // Leaving and coming back resumes at the same step.
    await new AppShell(page).open('dashboard');
    await new AppShell(page).open('install');
    await wizard.atStep('Install');
    await wizard.next();
    await wizard.atStep('Model');
    // Nothing on this machine yet: the step says so (and offers starters) rather than calling the engine ready.
    await page.getByTestId('wizard-model-none').waitFor();
    await wizard.next();
    await wizard.atStep('Finish');
    await page.getByTestId('wizard-finish-tiny').getByTestId('wizard-start').click();
    await page.locator('[data-testid="wizard-finish-tiny"][data-status="running"]').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(projectRoot, 'test-results', 'wizard-finish.png'), fullPage: true });
    await page.getByTestId('wizard-done').click();
    await page.getByTestId('page-providers').waitFor();

    const { client, close } = await connectClient(session.host.origin, session.host.token);
    const state = await client.invoke('providers.get', { id: 'tiny' });
    expect(state.state.status).toBe('running');
    expect(await (await fetch(`http://127.0.0.1:${state.state.port}/health`)).json()).toEqual({ status: 'ok' });
    expect((await client.invoke('settings.get')).values.wizard.completed).toBe(true);
    close();
    await page.close();
  });

  it('offers to resume an install the host was killed in the middle of, and resume completes it', async () => {
    const dirs = await freshDirs();
    const flag = path.join(dirs.baseDir, '..', 'let-the-build-finish');
    await writeTinyRecipe(dirs, 18600 + Math.floor(Math.random() * 300));
    const first = await startHost(dirs, { WAIT_FOR: flag });
    const { client, close } = await connectClient(first.origin, first.token);
    await client.invoke('install.start', { ids: ['tiny'] });
    let build: number | undefined;
    for (let i = 0; i < 300 && !build; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const run = (await client.invoke('install.list')).find((r) => r.providerId === 'tiny');
      if (run?.steps[1]?.status === 'running') {
        const journal = JSON.parse(
          await import('node:fs/promises').then((fs) =>
            fs.readFile(path.join(dirs.baseDir, 'cache', 'install', 'tiny.journal.json'), 'utf8'),
          ),
        );
        build = journal.memory.stepProcess ? JSON.parse(journal.memory.stepProcess).pid : undefined;
      }
    }
    expect(build).toBeGreaterThan(0);
    close();
    await first.stop('SIGKILL');

    session.host = await startHost(dirs, { WAIT_FOR: flag });
    // The build the dead host left behind is stopped before anything else.
    for (let i = 0; i < 50 && isRunning(build!); i++) await new Promise((r) => setTimeout(r, 100));
    expect(isRunning(build!)).toBe(false);
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${session.host.url}`);
    await new AppShell(page).open('install');
    const wizard = new WizardPage(page);
    await page.getByTestId('wizard-step-install').click();
    await wizard.runStatus('tiny', 'interrupted');
    expect(existsSync(path.join(dirs.baseDir, 'data', 'tiny', '.install-complete.json'))).toBe(false);
    await writeFile(flag, '');
    await wizard.run('tiny').getByTestId('install-resume').click();
    await wizard.runStatus('tiny', 'done');
    expect(existsSync(path.join(dirs.baseDir, 'data', 'tiny', '.install-complete.json'))).toBe(true);
    await page.close();
  });

  it('installs from the provider’s tile too, which then offers Start', async () => {
    const dirs = await freshDirs();
    await writeTinyRecipe(dirs, 18600 + Math.floor(Math.random() * 300));
    session.host = await startHost(dirs, {});
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(session.host.url);
    await new AppShell(page).open('providers');
    const tile = page.getByTestId('provider-tile-tiny');
    await tile.getByTestId('provider-install').click();
    await page.locator('[data-testid="provider-tile-tiny"] [data-testid="provider-start"]').waitFor({ timeout: 60_000 });
    expect(existsSync(path.join(dirs.baseDir, 'data', 'tiny', '.install-complete.json'))).toBe(true);
    await page.close();
  });
});
