// `npm test`: typecheck, lint, format check, build, then every vitest project (unit + e2e in Chromium), ending with
// one plain line "N passed, N failed" counted from vitest's JSON report.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ensureBuilt, projectRoot } from './lib/build.mjs';
import { chromiumPath, ensureChromium } from './lib/chromium.mjs';

const require = createRequire(import.meta.url);
const extraArgs = process.argv.slice(2);
let failedChecks = 0;
let passedChecks = 0;

function step(title, command, args) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(process.execPath, [command, ...args], { cwd: projectRoot, stdio: 'inherit' });
  return result.status === 0;
}

/** Runs a check with its output held, to be printed whole once it is done (checks run side by side). */
function check(title, command, args) {
  return new Promise((resolve) => {
    // Colour as if on the terminal, when the output goes to one.
    const env = process.stdout.isTTY ? { ...process.env, FORCE_COLOR: '1' } : process.env;
    const child = spawn(process.execPath, [command, ...args], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => resolve({ title, ok: false, output: Buffer.from(`${error.message}\n`) }));
    child.on('close', (code) => resolve({ title, ok: code === 0, output: Buffer.concat(output) }));
  });
}

const tsc = require.resolve('typescript/bin/tsc');
const packageBin = (name, bin) => path.join(path.dirname(require.resolve(`${name}/package.json`)), bin);
const pretty = process.stdout.isTTY ? ['--pretty'] : [];
// Two lanes for two cores: ESLint (the longest) in one, the typechecks and the format check one
// after another in the other. Each check's output is printed whole, in this order.
const [lint, checks] = await Promise.all([
  check('lint (eslint)', packageBin('eslint', 'bin/eslint.js'), ['.']),
  (async () => [
    await check('typecheck (node side)', tsc, ['-p', 'tsconfig.node.json', ...pretty]),
    await check('typecheck (renderer)', tsc, ['-p', 'tsconfig.web.json', ...pretty]),
    await check('typecheck (renderer tests)', tsc, ['-p', 'tsconfig.web-tests.json', ...pretty]),
    await check('format (prettier --check)', packageBin('prettier', 'bin/prettier.cjs'), ['--check', '.', '--log-level', 'warn']),
  ])(),
]);
const [nodeSide, rendererSide, rendererTests, format] = checks;
for (const done of [nodeSide, rendererSide, rendererTests, lint, format]) {
  console.log(`\n▶ ${done.title}`);
  process.stdout.write(done.output);
}

// Each is one check (the typecheck of all three configs too): a failure is counted and the tests still run.
const typechecked = nodeSide.ok && rendererSide.ok && rendererTests.ok;
const linted = lint.ok;
const formatted = format.ok;
for (const ok of [typechecked, linted, formatted]) {
  if (ok) passedChecks++;
  else failedChecks++;
}

try {
  console.log('\n▶ build');
  ensureBuilt();
} catch (error) {
  console.error(error.message);
  console.log(`\n${passedChecks} passed, ${failedChecks + 1} failed`);
  process.exit(1);
}

console.log('\n▶ browser for the e2e tests');
const chromium = ensureChromium();
// Without a browser the e2e tests fail with this message; the unit tests still run.
if (!chromium.ok) console.error(chromium.fix);
else console.log(`Chromium: ${chromiumPath}`);

const reportDir = path.join(projectRoot, 'test-results');
mkdirSync(reportDir, { recursive: true });
const report = path.join(reportDir, 'vitest.json');
const vitest = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
// Two workers: vitest's default leaves one of two cores idle. The e2e files run after the unit
// files, two at a time too, then the few that must run alone (vitest.config.ts: E2E_ALONE).
step('vitest (unit + e2e)', vitest, [
  'run',
  '--maxWorkers=2',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...extraArgs,
]);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  skipped = json.numPendingTests + (json.numTodoTests ?? 0);
  // A file that fails to load has no tests to count; it must still fail the run.
  failed += json.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
} catch (error) {
  console.error(`Could not read the vitest report (${error.message}).`);
  failed++;
}
if (!typechecked) console.log('Typecheck failed (counted as one failed check).');
if (!linted) console.log('Lint failed (counted as one failed check); `npm run lint` shows the problems.');
if (!formatted) console.log('Format check failed (counted as one failed check); `npm run format` rewrites the files listed above.');
// Skipped tests (the Electron suite where Electron's binary is missing) are said on their own line:
// the last line stays exactly "N passed, N failed".
if (skipped) console.log(`${skipped} skipped (see the reasons above)`);
console.log(`\n${passed + passedChecks} passed, ${failed + failedChecks} failed`);
process.exit(failed + failedChecks > 0 || passed === 0 ? 1 : 0);
