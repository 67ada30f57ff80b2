import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { STAND_IN_LLAMA_SERVER } from './stand-in';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    stdio: 'pipe',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).toString();

/**
 * A bare git repository of a tiny provider, as a real upstream would have: `build.mjs` builds
 * `dist/server.mjs` (a server speaking llama-server's wire format) from `src/`. Tag `v1.0`;
 * `addVersion` adds a commit and a tag.
 */
export function makeProviderRepo(dir: string) {
  const work = path.join(dir, 'work');
  const bare = path.join(dir, 'tiny-provider.git');
  mkdirSync(path.join(work, 'src'), { recursive: true });
  copyFileSync(STAND_IN_LLAMA_SERVER, path.join(work, 'src', 'server.mjs'));
  writeFileSync(
    path.join(work, 'build.mjs'),
    `// Builds dist/ from src/; fails with exit 3 when FAIL_BUILD is set, hangs while HANG_BUILD names an existing file.
console.log('build starting');
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
console.log('building tiny-provider ' + readFileSync('VERSION', 'utf8').trim());
// Paced like a real build, so progress events have time to go out between lines.
for (let p = 25; p <= 100; p += 25) { console.log('[' + String(p).padStart(3) + '%] compiling'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150); }
// WAIT_FOR names a file: the build goes on only once it exists (tests watch it mid-build).
while (process.env.WAIT_FOR && !existsSync(process.env.WAIT_FOR)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
if (process.env.FAIL_BUILD) { console.error('error: the compiler failed on purpose'); process.exit(3); }
if (process.env.HANG_BUILD && existsSync(process.env.HANG_BUILD)) {
  // A grandchild, as real builds have (make → cc): it must die with the step.
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  console.log('grandchild ' + child.pid);
  setInterval(() => {}, 1000);
} else {
  mkdirSync('dist', { recursive: true });
  copyFileSync('src/server.mjs', 'dist/server.mjs');
  console.log('built dist/server.mjs');
}
`,
  );
  writeFileSync(path.join(work, 'VERSION'), '1.0\n');
  git(dir, 'init', '-q', '-b', 'main', work);
  git(work, 'add', '.');
  git(work, 'commit', '-q', '-m', 'tiny provider 1.0');
  git(work, 'tag', 'v1.0');
  git(dir, 'clone', '-q', '--bare', work, bare);
  return {
    bare,
    addVersion(version: string) {
      writeFileSync(path.join(work, 'VERSION'), `${version}\n`);
      git(work, 'commit', '-q', '-am', `tiny provider ${version}`);
      git(work, 'tag', `v${version}`);
      git(work, 'push', '-q', bare, 'main', `v${version}`);
    },
  };
}
