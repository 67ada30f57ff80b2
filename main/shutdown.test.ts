import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeStandInRecipe } from '../e2e/support/stand-in-recipe';
import { tempDir } from '../test/temp-dir';
import { isRunning } from './services/os/process-tree';
import { CRASH_EXIT_CODE } from './shutdown';

const FIXTURE = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'hosts', 'crashing-host.ts');
const TSX = createRequire(import.meta.url).resolve('tsx');

async function crash(kind: 'throw' | 'reject') {
  const root = await tempDir();
  const baseDir = path.join(root, 'base');
  await writeStandInRecipe(baseDir, {
    port: 18_700 + Math.floor(Math.random() * 200),
    env: { STANDIN_IGNORE_SIGTERM: '1', STANDIN_GRANDCHILD: '1' },
  });
  const child = spawn(process.execPath, ['--import', TSX, FIXTURE], {
    env: {
      ...process.env,
      HELIX_LOCAL_LLM_DIR: baseDir,
      APP_CONFIG_DIR: path.join(root, 'app'),
      CRASH: kind,
      HELIX_LOCAL_LLM_AUTO_START: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const providerPid = Number(/provider running pid (\d+)/.exec(output)?.[1]);
  const appLog = await readFile(path.join(baseDir, 'logs', 'app.log'), 'utf8').catch(() => '');
  return { code, output, providerPid, appLog };
}

describe('an error that escapes every handler', () => {
  for (const kind of ['throw', 'reject'] as const) {
    it(`(${kind}) is written to the app log with its stack, the providers are stopped, and the process exits non-zero`, async () => {
      const { code, output, providerPid, appLog } = await crash(kind);
      expect(providerPid, output).toBeGreaterThan(0);
      expect(code, output).toBe(CRASH_EXIT_CODE);
      expect(appLog).toContain(kind === 'throw' ? 'uncaughtException' : 'unhandledRejection');
      expect(appLog).toContain(kind === 'throw' ? 'a bug thrown outside every handler' : 'a rejected promise nobody awaited');
      expect(appLog).toMatch(/\n\s+at .+crashing-host\.ts/);
      expect(isRunning(providerPid), 'the provider (which ignores SIGTERM) is gone').toBe(false);
      expect(output).toContain('Internal error');
    }, 60_000);
  }
});
