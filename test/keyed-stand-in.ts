import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach } from 'vitest';
import { pickPort } from '../main/services/os/ports';

export const STAND_IN_KEYED_TABBYAPI = path.join(import.meta.dirname, 'fixtures', 'stand-ins', 'tabbyapi-keyed.mjs');

const started: Array<() => void> = [];

/**
 * A TabbyAPI stand-in behind the key `key` (401 without it), run as a process of its own as the
 * user's server would be, listening when this resolves. Killed after the current test.
 */
export async function startKeyedTabby(key: string, model = 'Qwen3-8B-exl3'): Promise<{ port: number; baseUrl: string; pid: number }> {
  const port = await pickPort(30000 + Math.floor(Math.random() * 20000));
  const child = spawn(process.execPath, [STAND_IN_KEYED_TABBYAPI, '--port', String(port), '--key', key, '--model', model], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(() => child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const { done } = await lines.next();
  clearTimeout(timer);
  if (done) throw new Error('the keyed TabbyAPI stand-in exited before listening');
  return { port, baseUrl: `http://127.0.0.1:${port}`, pid: child.pid! };
}

afterEach(() => {
  for (const kill of started.splice(0)) kill();
});
