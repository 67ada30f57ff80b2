// `npm run serve -- [--host H] [--port N]`: build if needed, then run the headless host.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureBuilt, outDir } from './lib/build.mjs';

ensureBuilt();
const child = spawn(process.execPath, [path.join(outDir, 'main', 'cli.js'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
