import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/**
 * Real small or read-only file systems for tests of what happens when the disk says no. Mounting
 * needs root (CI runs as root); where it is not permitted, `mountRefusal` says why in one line
 * and the tests that need it skip with that reason.
 */
const mounted: string[] = [];

function mount(args: string[]): string | undefined {
  const result = spawnSync('mount', args, { encoding: 'utf8' });
  if (result.error) return `mount could not run: ${result.error.message}`;
  return result.status === 0 ? undefined : `mount ${args.join(' ')} failed: ${(result.stderr || `exit ${result.status}`).trim()}`;
}

function unmount(dir: string): void {
  spawnSync('umount', ['-l', dir]);
}

/** Why mounting is not possible here, or undefined when it is (probed once, on a throwaway tmpfs). */
export const mountRefusal: string | undefined = (() => {
  if (process.platform !== 'linux') return `mounting a test file system is done on Linux only, not ${process.platform}`;
  const probe = mkdtempSync(path.join(os.tmpdir(), 'llm-mount-probe-'));
  try {
    const refused = mount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
    if (!refused) unmount(probe);
    return refused;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

/** Mounts a tmpfs of `size` (e.g. '64k') on `dir`, unmounted after the test. */
export function mountTmpfs(dir: string, size: string): void {
  const refused = mount(['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (refused) throw new Error(refused);
  mounted.push(dir);
}

/** Makes `dir` read-only (a read-only bind mount of itself; root ignores chmod), until the test ends. */
export function mountReadOnly(dir: string): void {
  const refused = mount(['--bind', dir, dir]) ?? mount(['-o', 'remount,bind,ro', dir]);
  mounted.push(dir);
  if (refused) throw new Error(refused);
}

afterEach(() => {
  for (const dir of mounted.splice(0).reverse()) unmount(dir);
});
