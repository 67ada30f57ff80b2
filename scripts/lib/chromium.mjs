// The e2e tests drive Debian's Chromium; Playwright never downloads a browser here. On a fresh
// Debian/Ubuntu machine we install it with apt when we are allowed to (root, or sudo without a
// password), and otherwise say exactly what to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function run(command, args) {
  console.log(`$ ${[command, ...args].join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
}

export function ensureChromium() {
  if (existsSync(chromiumPath)) return { ok: true };
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  const isRoot = process.getuid?.() === 0;
  const canSudo = !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (hasApt && (isRoot || canSudo)) {
    console.log(`Chromium is missing at ${chromiumPath}: installing Debian's package for the browser tests.`);
    const prefix = isRoot ? [] : ['sudo', '-n'];
    const apt = (args) => (prefix.length ? run(prefix[0], [...prefix.slice(1), 'apt-get', ...args]) : run('apt-get', args));
    if (!apt(['install', '-y', '-q', 'chromium'])) apt(['update', '-q']) && apt(['install', '-y', '-q', 'chromium']);
    if (existsSync(chromiumPath)) return { ok: true };
  }
  return {
    ok: false,
    fix: `No Chromium at ${chromiumPath}. Install it with "sudo apt-get install -y chromium" (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium binary.`,
  };
}
