#!/usr/bin/env node
// `npm run dist [-- electron-builder args]`: the installers. electron-builder fetches Electron's own
// build (a zip from GitHub releases, or ELECTRON_MIRROR) into its cache; where it can get neither,
// it fails minutes later with a stack trace. This checks first and says so in one line.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, projectRoot } from './lib/build.mjs';

const args = process.argv.slice(2);
const checkOnly = args.includes('--check-only'); // the test's way in: the check, no build
const builderArgs = args.filter((a) => a !== '--check-only');

const problem = await electronZipProblem();
if (problem) {
  console.error(`npm run dist: ${problem}`);
  process.exit(1);
}
if (checkOnly) process.exit(0);

ensureBuilt({ force: true });
const builder = path.join(projectRoot, 'node_modules', 'electron-builder', 'cli.js');
const result = spawnSync(process.execPath, [builder, ...builderArgs], { cwd: projectRoot, stdio: 'inherit' });
process.exit(result.status ?? 1);

/** Why electron-builder could not get Electron's build for this machine, or undefined when it can. */
async function electronZipProblem() {
  // An explicit local Electron (a zip or an unpacked folder) needs nothing fetched.
  if (builderArgs.some((a) => a.startsWith('--config.electronDist'))) return undefined;
  const pkg = path.join(projectRoot, 'node_modules', 'electron', 'package.json');
  if (!existsSync(pkg)) return 'the electron package is not installed; run `npm ci` first.';
  const { version } = JSON.parse(readFileSync(pkg, 'utf8'));
  const zip = `electron-v${version}-${process.platform}-${process.arch}.zip`;
  if (inCache(electronCacheRoot(), zip)) return undefined;
  const mirror =
    process.env.ELECTRON_MIRROR || process.env.npm_config_electron_mirror || 'https://github.com/electron/electron/releases/download/';
  const url = `${mirror.replace(/\/?$/, '/')}v${version}/${zip}`;
  const reached = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(8_000) }).then(
    (response) => response.status < 400,
    () => false,
  );
  if (reached) return undefined;
  return (
    `cannot get Electron's build (${zip}): it is not in the cache (${electronCacheRoot()}) and ${new URL(url).host} cannot be reached; ` +
    'run this where GitHub is reachable, set ELECTRON_MIRROR to a mirror, or put the zip in ELECTRON_CACHE.'
  );
}

/** @electron/get's cache: ELECTRON_CACHE, else env-paths('electron').cache, as electron-builder reads it. */
function electronCacheRoot() {
  if (process.env.ELECTRON_CACHE) return process.env.ELECTRON_CACHE;
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'electron');
  if (process.platform === 'win32') return path.join(process.env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'electron', 'Cache');
  return path.join(process.env.XDG_CACHE_HOME || path.join(home, '.cache'), 'electron');
}

/** The zip at the cache's root or one folder down (@electron/get keeps each under a hash of its URL). */
function inCache(root, zip) {
  if (existsSync(path.join(root, zip))) return true;
  try {
    return readdirSync(root, { withFileTypes: true }).some((d) => d.isDirectory() && existsSync(path.join(root, d.name, zip)));
  } catch {
    return false;
  }
}
