// `npm run serve -- [--host H] [--port N]`: build if needed, then run the headless host in this process.
import { ensureBuilt } from './lib/build.mjs';
import { runCliInProcess } from './lib/host-process.mjs';

ensureBuilt();
await runCliInProcess(['serve', ...process.argv.slice(2)]);
