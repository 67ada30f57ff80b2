import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTinyGguf } from '../scripts/make-tiny-gguf';
import { AppShell } from './pages/app-shell';
import { ModelsPage } from './pages/models-page';
import { cliPath, freshDirs, spawnHost, writeSettings } from './support/host-process';
import { e2eSession } from './support/session';
import { connectClient } from './support/ws-client';

const session = e2eSession();

/** An Ollama store as `ollama pull llama3.2:1b` leaves it: a manifest naming the model layer's blob, which is the GGUF. */
async function ollamaStore(root: string): Promise<string> {
  const hex = 'e'.repeat(64);
  const manifests = path.join(root, 'manifests', 'registry.ollama.ai', 'library', 'llama3.2');
  await mkdir(manifests, { recursive: true });
  await mkdir(path.join(root, 'blobs'), { recursive: true });
  const blob = path.join(root, 'blobs', `sha256-${hex}`);
  writeTinyGguf(blob);
  await writeFile(
    path.join(manifests, '1b'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: `sha256:${'f'.repeat(64)}`, size: 2 },
      layers: [{ mediaType: 'application/vnd.ollama.image.model', digest: `sha256:${hex}`, size: 1 }],
    }),
  );
  return blob;
}

describe('models another app keeps, used in place', () => {
  it("lists Ollama's model with its origin, refuses to delete it, and the engine serves it from Ollama's blob", async () => {
    const dirs = await freshDirs();
    const blob = await ollamaStore(path.join(dirs.baseDir, '..', 'ollama-models'));
    await writeSettings(dirs, { providers: { engine: { model: blob } } });
    session.host = await spawnHost(process.execPath, [cliPath, 'serve', '--port', '0'], dirs, {
      OLLAMA_MODELS: path.dirname(path.dirname(blob)),
    });
    const { client, close } = await connectClient(session.host.origin, session.host.token);

    const listed = (await client.invoke('models.list')).models.find((m) => m.file === blob);
    expect(listed).toMatchObject({ origin: 'Ollama', originalName: 'llama3.2:1b', path: blob, architecture: 'llama', usedBy: ['engine'] });
    await expect(client.invoke('models.delete', { file: blob })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'This file belongs to Ollama; remove it there.',
    });

    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(session.host.url);
    await new AppShell(page).open('models');
    const row = new ModelsPage(page).row(blob);
    await row.waitFor();
    await expect(row.getByTestId('model-origin').textContent()).resolves.toBe('Ollama');
    await expect(row.textContent()).resolves.toContain('llama3.2:1b');
    await expect(row.getByTestId('model-location').textContent()).resolves.toContain(blob);
    expect(await row.getByTestId('model-delete').count()).toBe(0);
    // The engine's model picker offers it by Ollama's name and holds its absolute path.
    await page.goto(`${session.host.origin}/#/providers/engine`);
    const picker = page.getByTestId('provider-config').getByTestId('provider-model');
    await expect(picker.locator('option', { hasText: 'llama3.2:1b (Ollama)' }).getAttribute('value')).resolves.toBe(blob);
    // The draft fills in once the settings arrive.
    await expect.poll(() => picker.inputValue(), { timeout: 10_000 }).toBe(blob);
    await page.close();

    const state = await client.invoke('providers.start', { id: 'engine' });
    expect(state.status).toBe('running');
    const reply = (await fetch(`http://127.0.0.1:${state.port}/v1/models`).then((r) => r.json())) as { data: Array<{ id: string }> };
    expect(reply.data).toHaveLength(1);
    close();
  });
});
