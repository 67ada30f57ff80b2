// Builds main, preload and renderer with electron-vite when any source is newer than the last build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const STAMP = path.join(root, 'out', '.build-stamp');
const SOURCES = ['main', 'preload', 'renderer', 'shared', 'assets', 'electron.vite.config.ts', 'package.json', 'package-lock.json'];

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

export function ensureBuilt({ force = false } = {}) {
  const newestSource = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  if (!force && existsSync(STAMP) && statSync(STAMP).mtimeMs >= newestSource) return;
  console.log('Building the app (electron-vite build)…');
  // The package's exports hide bin/, so find it from package.json's location.
  const pkg = createRequire(import.meta.url).resolve('electron-vite/package.json');
  const bin = path.join(path.dirname(pkg), 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [bin, 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? '');
    throw new Error('The build failed (see above).');
  }
  writeFileSync(STAMP, new Date().toISOString());
}

export const outDir = path.join(root, 'out');
export const projectRoot = root;
