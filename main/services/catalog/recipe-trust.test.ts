import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { writeStandInRecipe } from '../../../e2e/support/stand-in-recipe';
import type { Contract } from '../../../shared/contract';
import { RpcClient } from '../../../shared/rpc/client';
import { createMemoryPair } from '../../../shared/rpc/memory';
import { startTestHost } from '../../../test/host-fixture';
import { STAND_IN_LLAMA_SERVER } from '../../../test/stand-in';
import { tempDir } from '../../../test/temp-dir';
import { pickPort } from '../os/ports';
import { RecipeTrust } from './recipe-trust';

async function hostOn(base: string) {
  const host = await startTestHost({ HELIX_LOCAL_LLM_DIR: base });
  const [clientSide, serverSide] = createMemoryPair();
  host.rpc.connect(serverSide, { via: 'memory', connectionId: 'test' });
  return { host, client: new RpcClient<Contract>(clientSide, { timeoutMs: 20_000 }) };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: { code: string; message: string; hint?: string; details?: unknown }) => error,
  );
const listening = (port: number) =>
  fetch(`http://127.0.0.1:${port}/health`).then(
    () => true,
    () => false,
  );

describe('a custom recipe runs nothing until its commands are confirmed, through the real host', () => {
  it('refuses install and start, shows the exact commands, starts once confirmed, and asks again after an edit of what runs', async () => {
    const base = path.join(await tempDir(), 'base');
    const port = await pickPort(24800);
    await writeStandInRecipe(base, { port, env: { STANDIN_NAME: 'first' }, trusted: false });
    const file = path.join(base, 'config', 'providers.d', 'standin.yaml');
    const first = await hostOn(base);

    const refusedStart = await refusal(first.client.invoke('providers.start', { id: 'standin' }));
    expect(refusedStart).toMatchObject({ code: 'CONFLICT', details: { reason: 'untrusted-recipe', id: 'standin' } });
    expect(refusedStart?.message).toBe(
      `Stand-in llama-server is a custom recipe (${file}) whose commands have not been confirmed; it will not be installed or started until they are.`,
    );
    expect(refusedStart?.hint).toContain('providers.trust');
    const refusedInstall = await refusal(first.client.invoke('install.start', { ids: ['standin'] }));
    expect(refusedInstall).toMatchObject({ code: 'CONFLICT', details: { reason: 'untrusted-recipe' } });
    expect(await listening(port)).toBe(false);

    const shown = await first.client.invoke('providers.commands', { id: 'standin' });
    expect(shown).toMatchObject({
      id: 'standin',
      origin: 'user',
      file,
      trusted: false,
      install: { strategy: 'none', fetches: [], steps: [] },
      configFiles: [],
    });
    expect(shown.start).toEqual([
      {
        name: 'server',
        argv: [process.execPath, STAND_IN_LLAMA_SERVER, '--host', '{host}', '--port', '{port}'],
        env: { STANDIN_NAME: 'first' },
      },
    ]);
    expect(shown.hash).toMatch(/^[a-f0-9]{64}$/);
    // Built-ins ship with the app: trusted without asking.
    expect(await first.client.invoke('providers.commands', { id: 'engine' })).toMatchObject({ origin: 'builtin', trusted: true });

    // A confirmation of other commands than these is refused.
    expect(await refusal(first.client.invoke('providers.trust', { id: 'standin', hash: 'a'.repeat(64) }))).toMatchObject({
      code: 'CONFLICT',
    });
    expect((await first.client.invoke('providers.trust', { id: 'standin', hash: shown.hash })).trusted).toBe(true);
    const stored = JSON.parse(await readFile(path.join(base, 'config', 'trusted-recipes.json'), 'utf8')) as {
      recipes: Record<string, { hash: string }>;
    };
    expect(stored.recipes.standin?.hash).toBe(shown.hash);
    expect((await first.client.invoke('providers.start', { id: 'standin' })).status).toBe('running');
    expect(await listening(port)).toBe(true);
    await first.client.invoke('providers.stop', { id: 'standin' });
    await first.host.close();

    // A new description changes nothing that runs: still confirmed.
    const recipe = parse(await readFile(file, 'utf8')) as { description: string; start: Array<{ env: Record<string, string> }> };
    recipe.description = 'Reworded.';
    await writeFile(file, stringify(recipe));
    const second = await hostOn(base);
    expect((await second.client.invoke('providers.commands', { id: 'standin' })).trusted).toBe(true);
    await second.host.close();

    // A changed environment does: asked again.
    recipe.start[0]!.env.STANDIN_NAME = 'edited';
    await writeFile(file, stringify(recipe));
    const third = await hostOn(base);
    const edited = await third.client.invoke('providers.commands', { id: 'standin' });
    expect(edited.trusted).toBe(false);
    expect(edited.hash).not.toBe(shown.hash);
    const refusedAgain = await refusal(third.client.invoke('providers.start', { id: 'standin' }));
    expect(refusedAgain?.message).toContain('have not been confirmed since it was edited');
    expect(await listening(port)).toBe(false);
  });

  it('trusts nothing from a file it cannot read, and keeps that file aside when the next confirmation writes', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'trusted-recipes.json');
    await writeFile(file, '{"version": 1, "recipes": {"standin": {"hash": "not-a-hash"}}');
    const trust = new RecipeTrust(file);
    expect(await trust.isTrusted('standin', 'b'.repeat(64))).toBe(false);
    await trust.trust('standin', 'b'.repeat(64));
    expect(await trust.isTrusted('standin', 'b'.repeat(64))).toBe(true);
    expect(await trust.isTrusted('constructor', 'b'.repeat(64))).toBe(false);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(dir)).filter((f) => f.startsWith('trusted-recipes.json.corrupt-'))).toHaveLength(1);
    expect(existsSync(file)).toBe(true);
  });
});
