import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const electronDir = path.resolve(import.meta.dirname, '../../node_modules/electron');

/**
 * Electron's binary when it is installed (node_modules/electron/path.txt names it under dist/),
 * else the one-line reason the Electron suite is skipped. Not require('electron'): that tries to
 * download the binary when it is missing.
 */
export function electronBinary(): { path: string } | { reason: string } {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      reason:
        'Electron e2e skipped: no Electron binary (node_modules/electron has no path.txt; install skips its GitHub download). Run "npm start" once where GitHub is reachable; the headless-host suite covers the same flows.',
    };
  }
  const binary = path.join(
    process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(electronDir, 'dist'),
    readFileSync(pathFile, 'utf8').trim(),
  );
  return existsSync(binary) ? { path: binary } : { reason: `Electron e2e skipped: ${binary} is missing.` };
}
