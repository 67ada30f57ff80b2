import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './temp-dir';

// scripts/dist.mjs checks that electron-builder can get Electron's build before building anything.
const SCRIPT = path.resolve(import.meta.dirname, '../scripts/dist.mjs');
const { version } = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../node_modules/electron/package.json'), 'utf8')) as {
  version: string;
};
const ZIP = `electron-v${version}-${process.platform}-${process.arch}.zip`;

function runCheck(env: Record<string, string>) {
  // Port 1 on loopback refuses at once: an unreachable mirror without waiting on the network.
  return spawnSync(process.execPath, [SCRIPT, '--check-only'], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:1/', ...env },
    timeout: 20_000,
  });
}

describe('npm run dist', () => {
  it('fails in one line, naming the zip and the fixes, when Electron cannot be fetched', async () => {
    const result = runCheck({ ELECTRON_CACHE: await tempDir() });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(ZIP);
    expect(lines[0]).toMatch(/ELECTRON_MIRROR/);
    expect(lines[0]).not.toMatch(/\n\s+at /);
  });

  it('goes on when the zip is in the cache (under a folder, as @electron/get keeps it)', async () => {
    const cache = await tempDir();
    mkdirSync(path.join(cache, 'abc123'));
    writeFileSync(path.join(cache, 'abc123', ZIP), '');
    const result = runCheck({ ELECTRON_CACHE: cache });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
