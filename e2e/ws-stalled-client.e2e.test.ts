import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { stringify } from 'yaml';
import { pickPort } from '../main/services/os/ports';
import { cliPath, freshDirs, spawnHost, writeSettings, type RunningHost } from './support/host-process';
import { connectClient } from './support/ws-client';

const CHATTY = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'stand-ins', 'chatty-provider.mjs');
/** The cap the host is started with: small, so the stall shows within seconds (the default is 16 MiB). */
const CAP_MIB = 4;
/** Far above a host's working set, far below what an unbounded queue reaches: a stalled reader at ~3 MB/s for the minutes a user leaves a tab. */
const RSS_CEILING_MIB = 700;

let host: RunningHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(process.platform === 'linux')('a WebSocket client that stops reading while a provider logs heavily', () => {
  it('is dropped at the buffered cap while a healthy client keeps receiving, and the host’s memory stays bounded', async () => {
    const dirs = await freshDirs();
    await writeSettings(dirs, { gateway: { port: 0 }, discovery: { intervalSec: 0 } });
    const port = await pickPort(20_000 + Math.floor(Math.random() * 1000));
    // A user recipe, as a user adds a custom provider: ~10,000 lines a second on stdout.
    await mkdir(path.join(dirs.baseDir, 'config', 'providers.d'), { recursive: true });
    await writeFile(
      path.join(dirs.baseDir, 'config', 'providers.d', 'chatty.yaml'),
      stringify({
        id: 'chatty',
        name: 'Chatty stand-in',
        description: 'Logs as fast as a busy server does.',
        homepage: 'https://example.invalid',
        defaultPort: port,
        api: 'openai',
        platforms: [{ os: 'linux' }, { os: 'darwin' }, { os: 'win32' }],
        install: { strategy: 'none' },
        start: [{ name: 'server', argv: [process.execPath, CHATTY, '--host', '{host}', '--port', '{port}', '--rate', '10000'] }],
        health: { path: '/health', json: { status: 'ok' } },
      }),
    );
    host = await spawnHost(process.execPath, [cliPath, 'serve', '--port', '0'], dirs, {
      HELIX_LOCAL_LLM_WS_MAX_BUFFERED_BYTES: String(CAP_MIB * 1024 * 1024),
      // Pings far apart, so what drops the client here is the buffered cap, not the heartbeat.
      HELIX_LOCAL_LLM_WS_HEARTBEAT_MS: '600000',
    });
    const pid = host.process.pid!;

    const healthy = await connectClient(host.origin, host.token, { timeoutMs: 60_000 });
    let healthyLines = 0;
    healthy.client.on('logs.lines', (batch) => {
      if (batch.id === 'chatty') healthyLines += batch.lines.length + batch.dropped;
    });
    // Log lines go to the clients that show that log, as the UI's log panel asks.
    await healthy.client.invoke('logs.watch', { id: 'chatty' });
    // A custom recipe runs nothing until its commands are confirmed, as the user does on its page.
    const { hash } = await healthy.client.invoke('providers.commands', { id: 'chatty' });
    await healthy.client.invoke('providers.trust', { id: 'chatty', hash });
    const state = await healthy.client.invoke('providers.start', { id: 'chatty' });
    expect(state.status).toBe('running');
    await expect.poll(() => healthyLines, { timeout: 20_000 }).toBeGreaterThan(10_000);
    const baseline = await rssMiB(pid);

    // The stalled client: connected with the token, then its socket is never read again.
    const stalled = new WebSocket(`${host.origin.replace(/^http/, 'ws')}/ws`, { headers: { authorization: `Bearer ${host.token}` } });
    stalled.on('error', () => {});
    await new Promise((resolve) => stalled.once('open', resolve));
    // It watches the chatty log (as a page showing it would), and once that is answered stops reading.
    stalled.send(JSON.stringify({ type: 'request', id: 1, method: 'logs.watch', params: { id: 'chatty' } }));
    await new Promise((resolve) => stalled.once('message', resolve));
    (stalled as unknown as { _socket: { pause(): void } })._socket.pause();
    const stalledClosed = new Promise<number>((resolve) => stalled.once('close', (code) => resolve(code)));

    const samples: number[] = [];
    const deadline = Date.now() + 60_000;
    while (!/dropped: stopped reading/.test(host.output()) && Date.now() < deadline) {
      samples.push(await rssMiB(pid));
      await sleep(250);
    }
    expect(host.output()).toMatch(/WebSocket client ws-\d+ dropped: stopped reading \([\d.]+ MiB unsent, limit 4 MiB\)/);
    const atDrop = await rssMiB(pid);
    const peakBefore = Math.max(baseline, atDrop, ...samples);

    // After the drop: the logging goes on, the healthy client still gets it, the memory does not climb.
    const linesAtDrop = healthyLines;
    const after: number[] = [];
    for (let i = 0; i < 20; i++) {
      await sleep(250);
      after.push(await rssMiB(pid));
    }
    expect(healthyLines).toBeGreaterThan(linesAtDrop);
    const peakAfter = Math.max(...after);
    const last = after.at(-1)!;
    expect(peakBefore).toBeLessThan(RSS_CEILING_MIB);
    expect(peakAfter).toBeLessThan(RSS_CEILING_MIB);
    // Not growing after the drop: no higher than the peak while the client was stalled, allowing for GC noise.
    expect(peakAfter).toBeLessThan(peakBefore + 48);

    // Once it reads again, the stalled client finds its connection ended.
    (stalled as unknown as { _socket: { resume(): void } })._socket.resume();
    const code = await Promise.race([stalledClosed, sleep(20_000).then(() => 'still open')]);
    expect([4408, 1006]).toContain(code);
    expect(host.process.exitCode).toBeNull();
    healthy.close();

    console.log(
      `stalled ws client: host RSS ${baseline.toFixed(0)} MiB with one healthy client, peak ${peakBefore.toFixed(0)} MiB while the other was stalled, ` +
        `${atDrop.toFixed(0)} MiB at the drop (cap ${CAP_MIB} MiB), ${peakAfter.toFixed(0)} MiB peak and ${last.toFixed(0)} MiB last over 5 s after; ` +
        `${(samples.length * 0.25).toFixed(1)} s from stall to drop; the healthy client got ${healthyLines - linesAtDrop} lines after the drop`,
    );
  }, 120_000);
});
