import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import { STAND_IN_LLAMA_SERVER } from '../test/stand-in';
import { freshDirs, runCli, startCliHost } from './support/host-process';
import { e2eSession } from './support/session';
import { openStandInProviders } from './support/stand-in-page';
import { writeStandInRecipe } from './support/stand-in-recipe';

const session = e2eSession();

describe('a custom recipe in Chromium', () => {
  it('shows its commands when Start is pressed, starts nothing on Cancel, and starts once confirmed', async () => {
    const { dirs, port, page, providers } = await openStandInProviders(session, { env: { STANDIN_NAME: 'custom' }, trusted: false });

    await providers.button('standin', 'provider-start').click();
    const dialog = page.getByTestId('recipe-commands-dialog');
    await dialog.waitFor();
    const start = await dialog.getByTestId('recipe-start-commands').textContent();
    expect(start).toContain(`${STAND_IN_LLAMA_SERVER} --host {host} --port {port}`);
    expect(start).toContain('STANDIN_NAME=custom');
    await page.screenshot({ path: path.join(process.cwd(), 'test-results', 'recipe-commands-dialog.png') });

    await dialog.getByTestId('recipe-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(
      await fetch(`http://127.0.0.1:${port}/health`).then(
        () => true,
        () => false,
      ),
    ).toBe(false);
    await providers.waitStatus('standin', 'installed', 1_000);

    await providers.button('standin', 'provider-start').click();
    await dialog.getByTestId('recipe-confirm').click();
    await providers.waitStatus('standin', 'running');
    const stored = JSON.parse(await readFile(path.join(dirs.baseDir, 'config', 'trusted-recipes.json'), 'utf8')) as {
      recipes: Record<string, unknown>;
    };
    expect(Object.keys(stored.recipes)).toEqual(['standin']);

    // Confirmed: the next start asks nothing.
    await providers.button('standin', 'provider-stop').click();
    await providers.waitStatus('standin', 'stopped');
    await providers.button('standin', 'provider-start').click();
    await providers.waitStatus('standin', 'running');
    expect(await dialog.count()).toBe(0);
    await page.close();
  });
});

describe('a custom recipe from the terminal', () => {
  it('`trust <id>` shows its commands; a script must say --yes; once confirmed, the host starts it', async () => {
    const dirs = await freshDirs();
    const port = await pickPort(18000 + Math.floor(Math.random() * 1000));
    await writeStandInRecipe(dirs.baseDir, { port, env: { STANDIN_NAME: 'from-cli' }, trusted: false });
    const cli = (args: string[]) => runCli(dirs, args);

    // No terminal to ask on: shown, not confirmed.
    const asked = await cli(['trust', 'standin']);
    expect(asked.code).toBe(1);
    expect(asked.stdout).toContain(`${STAND_IN_LLAMA_SERVER} --host {host} --port {port}`);
    expect(asked.stdout).toContain('STANDIN_NAME=from-cli');
    expect(asked.stdout).toContain('run again with --yes');

    session.host = await startCliHost(dirs);
    const refused = await cli(['start', 'standin']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('local-llm-manager trust standin');

    const confirmed = await cli(['trust', 'standin', '--yes']);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.stdout).toContain('may now be installed and started');
    const started = await cli(['start', 'standin']);
    expect(started.code, started.stderr).toBe(0);
    expect(((await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.json())) as { status: string }).status).toBe('ok');
    expect((await cli(['trust', 'standin'])).stdout).toContain('Already confirmed');
  });
});
