// Electron's binary comes from GitHub, not npm. Install skips it (.npmrc ignore-scripts), so we
// fetch it on first start when we can, and report plainly when we cannot.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './build.mjs';

const electronDir = path.join(projectRoot, 'node_modules', 'electron');

export function electronBinaryPath() {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(electronDir, 'dist');
  const binary = path.join(distDir, relative);
  return existsSync(binary) ? binary : undefined;
}

/** Tries Electron's own installer once; resolves to the binary path or to the reason it failed. */
export function fetchElectronBinary({ timeoutMs = 180_000 } = {}) {
  const existing = electronBinaryPath();
  if (existing) return Promise.resolve({ path: existing });
  if (!existsSync(path.join(electronDir, 'install.js'))) {
    return Promise.resolve({ reason: 'the electron package is not installed (run npm install)' });
  }
  return new Promise((resolve) => {
    console.log("Fetching Electron's binary (first start only)…");
    const child = spawn(process.execPath, [path.join(electronDir, 'install.js')], {
      cwd: electronDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const binary = electronBinaryPath();
      if (code === 0 && binary) return resolve({ path: binary });
      const firstError = output
        .split('\n')
        .find((line) => /error/i.test(line))
        ?.trim();
      resolve({ reason: firstError ? `download failed: ${firstError}` : `download failed (exit code ${code})` });
    });
  });
}

export function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}
