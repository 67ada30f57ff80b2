import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandInHub, type StandInHub } from '../test/fixtures/stand-ins/hf-hub';
import { GatewayPage } from './pages/gateway-page';
import { WizardPage } from './pages/wizard-page';
import { freshDirs, projectRoot } from './support/host-process';
import { startHostWithHub } from './support/hub-host';
import { e2eSession } from './support/session';
import { connectClient } from './support/ws-client';

const session = e2eSession();
let hub: StandInHub;
beforeAll(async () => {
  // Slow enough (a few seconds for the tiny model) that the step shows the download going on.
  hub = await startStandInHub({ bytesPerSecond: 150_000 });
});
afterAll(() => hub.close());

const shot = (name: string) => path.join(projectRoot, 'test-results', name);
const MODEL = 'tiny.Q4_K_M.gguf';

describe('a newcomer, from nothing to a streamed answer without leaving the app', () => {
  it('wizard → the recommended starter, downloaded with progress → Finish calls the engine ready → the Chat page streams an answer, the model loaded on demand', async () => {
    const dirs = await freshDirs({ firstRun: true });
    // First run: the wizard is not done.
    session.host = await startHostWithHub(
      dirs,
      hub,
      [{ id: 'tiny-chat', name: 'Tiny chat', kind: 'chat', file: MODEL, goodFor: 'Tests.' }],
      {
        wizard: { completed: false, step: 0, selected: [] },
      },
    );

    const page = await session.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(session.host.url);
    const wizard = new WizardPage(page);
    // The first start opens on the wizard.
    await wizard.atStep('System');
    await wizard.next();
    await wizard.atStep('Found');
    await wizard.next();
    await wizard.atStep('Choose');
    // Nothing to install: the built-in engine is enough for a first chat.
    const ticked = await page
      .locator('li[data-testid^="wizard-choice-"]:has(input:checked)')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!));
    for (const id of ticked) await page.getByTestId(id).getByTestId('choice-check').uncheck();
    // An empty choice is a fine one, and the step says why.
    await expect(page.getByTestId('wizard-choose-total').textContent()).resolves.toMatch(/built-in engine already runs GGUF models here/);
    await wizard.next();
    await wizard.atStep('Install');
    await wizard.next();
    await wizard.atStep('Model');
    await page.getByTestId('wizard-model-none').waitFor();

    const starter = page.locator('[data-testid="wizard-starter"][data-recommended="true"]');
    await expect(starter.getAttribute('data-starter')).resolves.toBe('tiny-chat');
    await starter.getByTestId('wizard-starter-download').click();
    await starter.locator('[data-testid="wizard-starter-progress"][data-status="downloading"]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: shot('newcomer-model-step.png'), fullPage: true });
    await starter.locator('[data-testid="wizard-starter-progress"][data-status="done"]').waitFor({ timeout: 60_000 });
    // The step now names what the engine will run (the models list polls; a finished download refetches it).
    await page.getByTestId('wizard-model-ready').getByText(MODEL).waitFor({ timeout: 15_000 });

    await wizard.next();
    await wizard.atStep('Finish');
    await page.getByTestId('wizard-engine-ready').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('wizard-engine-needs-model').count()).toBe(0);
    await page.screenshot({ path: shot('newcomer-finish.png'), fullPage: true });
    await page.getByTestId('wizard-chat').click();

    // The Chat page: the model is offered though nothing runs yet; the first message loads it.
    await page.getByTestId('page-chat').waitFor();
    await expect(page.getByTestId('chat-model').inputValue()).resolves.toBe(MODEL);
    await page.getByTestId('chat-input').fill('Say hello.');
    await page.getByTestId('chat-input').press('Enter');
    const answer = page.getByTestId('chat-turn-assistant').first();
    await answer.waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('chat-error').count()).resolves.toBe(0);
    expect((await answer.getByTestId('chat-turn-text').textContent())!.trim().length).toBeGreaterThan(0);
    await expect(answer.getByTestId('chat-turn-facts').textContent()).resolves.toContain(`via engine~${MODEL}`);
    await page.screenshot({ path: shot('newcomer-chat.png') });

    // The Gateway page shows it loaded, and its snippet to copy names that model, not a placeholder.
    await page.getByTestId('nav-gateway').click();
    const gateway = new GatewayPage(page);
    await gateway.onDemandRow(MODEL, 'loaded').waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('snippet-code').textContent()).resolves.toContain(`"model":"${MODEL}"`);

    // Leaving the wizard for the chat finished it: the next start opens on the dashboard.
    const { client, close } = await connectClient(session.host.origin, session.host.token);
    expect((await client.invoke('settings.get')).values.wizard.completed).toBe(true);
    const local = (await client.invoke('models.list')).models.find((m) => m.file === MODEL);
    expect(local).toMatchObject({ architecture: 'llama', path: path.join(dirs.baseDir, 'models', MODEL) });
    expect(
      createHash('sha256')
        .update(await readFile(local!.path))
        .digest('hex'),
    ).toBe(hub.sha256('org/tiny-GGUF', MODEL));
    close();
    await page.close();
  });
});
