import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { GatewayService } from '../main/services/gateway/gateway-service';
import { StaticUpstreams } from '../main/services/gateway/upstreams';
import { pickPort } from '../main/services/os/ports';
import { GATEWAY_DEFAULTS } from '../shared/gateway';
import { startStandIn } from '../test/gateway-stand-ins';
import { AppShell } from './pages/app-shell';
import { GatewayPage } from './pages/gateway-page';
import { startEngine, TINY_GREEDY_CHAT, tinyModelsDir } from './support/engine-process';
import { freshDirs, projectRoot, startCliHost, writeSettings } from './support/host-process';
import { e2eSession } from './support/session';
import { writeStandInRecipe } from './support/stand-in-recipe';
import { connectClient } from './support/ws-client';

const session = e2eSession();
const REPLY = 'one two three four five six seven eight nine ten';

describe('the Gateway page in Chromium', () => {
  it('shows a running stand-in in the routing table, and the try-it box streams its answer through the gateway', async () => {
    const dirs = await freshDirs();
    const providerPort = await pickPort(18000 + Math.floor(Math.random() * 1000));
    const gatewayPort = await pickPort(8400 + 100 + Math.floor(Math.random() * 500));
    await writeStandInRecipe(dirs.baseDir, { port: providerPort, env: { STANDIN_REPLY: REPLY, STANDIN_TOKEN_MS: '120' } });
    // A saved setting, as the user would have: the gateway on a port of this test's own.
    await writeSettings(dirs, { gateway: { port: gatewayPort } });
    session.host = await startCliHost(dirs);
    expect(session.host.output()).toContain(`OpenAI-compatible gateway: http://127.0.0.1:${gatewayPort}/v1`);

    const page = await session.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(session.host.url);
    await new AppShell(page).open('gateway');
    const gateway = new GatewayPage(page);
    await expect(gateway.url.textContent()).resolves.toBe(`http://127.0.0.1:${gatewayPort}/v1`);
    await page.getByTestId('routes-empty').waitFor();

    // Started elsewhere (another client): the page learns of it from events alone.
    const { client, close } = await connectClient(session.host.origin, session.host.token);
    await expect(client.invoke('providers.start', { id: 'standin' })).resolves.toMatchObject({ status: 'running' });
    await gateway.target('stand-in.gguf', 'standin').waitFor();
    await page.locator('[data-testid="route-target-stand-in.gguf-standin"][data-state="running"]').waitFor();
    await expect(gateway.snippet.textContent()).resolves.toContain(`curl 'http://127.0.0.1:${gatewayPort}/v1/chat/completions'`);
    await gateway.snippetTab('python').click();
    await expect(gateway.snippet.textContent()).resolves.toContain('model="stand-in.gguf"');

    // A message over what the box sends is stopped before it goes, with where longer ones go.
    await gateway.tryInput.fill('x'.repeat(100_001));
    await expect(page.getByTestId('try-too-long').textContent()).resolves.toContain(
      `This message is 100,001 characters; Try it sends at most 100,000. Send longer ones to the gateway's API (http://127.0.0.1:${gatewayPort}/v1)`,
    );
    await expect(gateway.trySend.isDisabled()).resolves.toBe(true);
    await gateway.tryInput.fill('Count to ten.');
    await expect(page.getByTestId('try-too-long').count()).resolves.toBe(0);
    await gateway.trySend.click();
    // Streaming: part of the answer shows while the rest is still on its way.
    await page.locator('[data-testid="try-output"][data-running="true"]', { hasText: 'one two' }).waitFor({ timeout: 10_000 });
    const partial = await gateway.tryOutput.textContent();
    expect(partial!.length).toBeLessThan(REPLY.length);
    await page.locator('[data-testid="try-output"][data-running="false"]').waitFor({ timeout: 10_000 });
    await expect(gateway.tryOutput.textContent()).resolves.toBe(REPLY);
    await expect(gateway.tryProvider.textContent()).resolves.toBe('standin');
    await page.locator('[data-testid="gateway-stats-row-standin"] [data-testid="stat-requests"]', { hasText: '1' }).waitFor();
    await page.screenshot({ path: path.join(projectRoot, 'test-results', 'gateway.png'), fullPage: true });
    await page.getByTestId('gateway-try').screenshot({ path: path.join(projectRoot, 'test-results', 'gateway-try.png') });

    // And any OpenAI client reaches the same provider through the same endpoint.
    const openai = new OpenAI({ baseURL: `http://127.0.0.1:${gatewayPort}/v1`, apiKey: 'not-needed', maxRetries: 0 });
    const reply = await openai.chat.completions.create({ model: 'stand-in.gguf', messages: [{ role: 'user', content: 'Hi' }] });
    expect(reply.choices[0]!.message.content).toBe(REPLY);

    // A web page served from this machine (another port, so another origin) calls the gateway
    // from the browser itself: CORS lets it by default; another list in the settings stops it.
    const site = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>local chat app</title>'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const app = await session.browser.newPage();
    await app.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
    const askFromPage = (base: string) =>
      app.evaluate(async (gatewayBase) => {
        try {
          const response = await fetch(`${gatewayBase}/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-stainless-os': 'web' },
            body: JSON.stringify({ model: 'stand-in.gguf', messages: [{ role: 'user', content: 'Hi' }] }),
          });
          const body = (await response.json()) as { choices?: Array<{ message?: { content?: string } }> };
          return { status: response.status, text: body.choices?.[0]?.message?.content };
        } catch (error) {
          return { error: String(error) };
        }
      }, base);
    await expect(askFromPage(`http://127.0.0.1:${gatewayPort}/v1`)).resolves.toEqual({ status: 200, text: REPLY });
    await page.getByTestId('gateway-cors').fill('https://chat.example.com');
    await page.getByTestId('gateway-cors').locator('xpath=..').getByRole('button', { name: 'Apply' }).click();
    await expect.poll(async () => (await client.invoke('gateway.status')).corsOrigins).toEqual(['https://chat.example.com']);
    await expect(askFromPage(`http://127.0.0.1:${gatewayPort}/v1`)).resolves.toEqual({ error: 'TypeError: Failed to fetch' });
    await app.close();
    site.close();
    await client.invoke('providers.stop', { id: 'standin' });
    await page.getByTestId('routes-empty').waitFor();
    close();
    await page.close();
  });

  it('routes to the built-in engine and a stand-in side by side; the engine stream arrives intact', async () => {
    const { dir } = await tinyModelsDir();
    const engine = await startEngine(['--models-dir', dir, '--ctx-size', '1024']);
    const standIn = await startStandIn('standin', 'other.gguf');
    const gateway = new GatewayService({
      upstreams: new StaticUpstreams([
        { providerId: 'engine', baseUrl: engine.baseUrl, models: ['tiny-llama.gguf'], healthy: true, state: 'running' },
        standIn.upstream(),
      ]),
    });
    try {
      const status = await gateway.apply({ ...GATEWAY_DEFAULTS, port: 0 });
      const through = new OpenAI({ baseURL: status.url, apiKey: 'x', maxRetries: 0 });
      const direct = new OpenAI({ baseURL: `${engine.baseUrl}/v1`, apiKey: 'x', maxRetries: 0 });
      const models = await through.models.list();
      expect(models.data.map((m) => [m.id, m.owned_by]).sort()).toEqual([
        ['other.gguf', 'standin'],
        ['tiny-llama.gguf', 'engine'],
      ]);
      const streamed = async (client: OpenAI) => {
        const stream = await client.chat.completions.create({ ...TINY_GREEDY_CHAT, stream: true });
        const pieces: string[] = [];
        for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
        return pieces;
      };
      const viaGateway = await streamed(through);
      expect(viaGateway.length).toBeGreaterThan(1);
      expect(viaGateway).toEqual(await streamed(direct));
      const other = await through.chat.completions.create({ model: 'other.gguf', messages: [{ role: 'user', content: 'hi' }] });
      expect(other.choices[0]!.message.content).toBe('Hello from standin.');
    } finally {
      await gateway.close();
      engine.child.kill('SIGTERM');
      await engine.exited;
    }
  });
});
