#!/usr/bin/env node
// Runs the stand-in under pm2 and, for each "kill" line on stdin, SIGKILLs it and answers "healthy"
// once /health answers again. A separate plain-Node process so pm2 runs outside the test runner.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const [pm2Bin, script, port, pm2Home] = process.argv.slice(2);
// The environment our host's providers get too (the bench passes its own to both sides).
const env = { ...process.env, PM2_HOME: pm2Home };
const pm2 = (...args) => spawnSync(pm2Bin, args, { env, stdio: 'ignore' });
const pidOf = () => {
  try {
    return Number(readFileSync(path.join(pm2Home, 'pids', 'standin-0.pid'), 'utf8'));
  } catch {
    return 0; // between processes pm2 may have removed the file
  }
};
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
const healthy = () =>
  fetch(`http://127.0.0.1:${port}/health`).then(
    (r) => r.ok,
    () => false,
  );
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// pm2 stops restarting after 15 restarts within its min-uptime ("too many unstable restarts");
// the benchmark kills on purpose, so lift that limit as ours is lifted.
pm2('start', script, '--name', 'standin', '--interpreter', process.execPath, '--max-restarts', '1000000', '--', '--port', port);
while (!(await healthy())) await sleep(20);
console.log('ready');

for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'kill') break;
  const pid = pidOf();
  process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(1);
  while (!(await healthy())) await sleep(5);
  // pm2 writes the new PID shortly after; the next round must kill the new process, not the old one.
  while (pidOf() === pid || pidOf() === 0) await sleep(1);
  console.log('healthy');
}
pm2('kill');
