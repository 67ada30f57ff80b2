// `npm start`: build, then open the desktop window; where Electron cannot run, say so in one line
// and start the headless host instead (its URL is printed on a line of its own).
import { spawn } from 'node:child_process';
import { ensureBuilt, projectRoot } from './lib/build.mjs';
import { forwardSignalsOnce, runCliInProcess } from './lib/host-process.mjs';
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
  if (!binary)
    reason = `Electron's binary is not available (${fetchFailure ?? 'not downloaded, and there is no display to show a window'})`;
  else if (!hasDisplay()) reason = 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  if (reason) binary = undefined;
}

if (binary) {
  const child = spawn(binary, [projectRoot, ...passThrough], { stdio: 'inherit' });
  forwardSignalsOnce(child);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.log(`Desktop window unavailable: ${reason}; starting the headless host instead — open the URL below in a browser.`);
  // In this process, not a child: a wrapper that forwards signals doubles every Ctrl-C (the
  // terminal already signals the whole process group), and the host must see each ask once.
  await runCliInProcess(['serve', ...passThrough]);
}
