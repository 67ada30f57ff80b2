// `npm start`: build, then open the desktop window; where Electron cannot run, say so in one line
// and start the headless host instead (its URL is printed on a line of its own).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureBuilt, outDir, projectRoot } from './lib/build.mjs';
import { electronBinaryPath, fetchElectronBinary, hasDisplay } from './lib/electron-binary.mjs';

const args = process.argv.slice(2);
const forceHeadless = args.includes('--headless') || process.env.LLM_MANAGER_HEADLESS === '1';
const passThrough = args.filter((a) => a !== '--headless');

ensureBuilt();

let reason;
let binary;
if (forceHeadless) reason = 'headless mode was asked for';
else {
  binary = electronBinaryPath();
  let fetchFailure;
  // No display means no window either way: do not download 100 MB for nothing.
  if (!binary && hasDisplay()) ({ path: binary, reason: fetchFailure } = await fetchElectronBinary());
  if (!binary) reason = `Electron's binary is not available (${fetchFailure ?? 'not downloaded, and there is no display to show a window'})`;
  else if (!hasDisplay()) reason = 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  if (reason) binary = undefined;
}

const child = binary
  ? spawn(binary, [projectRoot, ...passThrough], { stdio: 'inherit' })
  : (() => {
      console.log(`Desktop window unavailable: ${reason}; starting the headless host instead — open the URL below in a browser.`);
      return spawn(process.execPath, [path.join(outDir, 'main', 'cli.js'), 'serve', ...passThrough], { stdio: 'inherit' });
    })();

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
