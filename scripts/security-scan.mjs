// `npm run security`: electronegativity (Doyensec's static checks for Electron apps) over the code we
// ship — main/, preload/, renderer/, shared/ and package.json, tests left out — and a verdict: every
// HIGH or MEDIUM finding must be listed as accepted, with a reason, in docs/security.md's table.
// Exit 0 when clean, 1 on an unaccepted finding or a file the scanner could not parse. --json prints
// the whole result for the test suite (test/security-scan.test.ts).
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const SCANNED = ['main', 'preload', 'renderer', 'shared', 'package.json'];
/**
 * AvailableSecurityFixesGlobalCheck (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK) downloads Electron's release list from GitHub: its answer
 * changes by the day and it cannot run offline. Keeping Electron current is the dependency updates'
 * job; docs/security.md says so.
 */
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
const BLOCKING = new Set(['HIGH', 'MEDIUM']);

/** Rows of the table between the two markers in docs/security.md: | CHECK_ID | file | reason |. */
export function readAccepted(markdown) {
  const start = markdown.indexOf('<!-- electronegativity-accepted:start -->');
  const end = markdown.indexOf('<!-- electronegativity-accepted:end -->');
  if (start < 0 || end < start) throw new Error('docs/security.md has no electronegativity-accepted table');
  return markdown
    .slice(start, end)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|') && !/^\|\s*(check|-)/i.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/^`|`$/g, '')),
    )
    .filter((cells) => cells.length === 3)
    .map(([check, file, reason]) => ({ check, file, reason }));
}

/** A finding is accepted by a row naming its check and its file (relative to the repository root). */
export function verdict(issues, accepted) {
  const blocking = issues.filter((issue) => BLOCKING.has(issue.severity));
  const unaccepted = blocking.filter(
    (issue) => !accepted.some((row) => row.check === issue.check && row.file === issue.file && row.reason.length > 0),
  );
  const unused = accepted.filter((row) => !blocking.some((issue) => issue.check === row.check && issue.file === row.file));
  return { blocking, unaccepted, unused };
}

async function scan() {
  // Only shipped sources: a copy without tests, so a test's stand-in BrowserWindow is not a finding.
  const staging = mkdtempSync(path.join(os.tmpdir(), 'electronegativity-'));
  try {
    for (const entry of SCANNED) {
      cpSync(path.join(root, entry), path.join(staging, entry), {
        recursive: true,
        filter: (source) => !/\.test\.tsx?$/.test(source) && !source.includes(`${path.sep}node_modules`),
      });
    }
    const run = require('@doyensec/electronegativity');
    const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
    // The scanner prints its own progress and "no connectivity" notes through console.log/winston; keep stdout ours.
    const log = console.log;
    console.log = () => undefined;
    let result;
    try {
      result = await run({ input: staging, electronVersionOverride: electronVersion, excludeFromScan: EXCLUDED_CHECKS, isRelative: true });
    } finally {
      console.log = log;
    }
    const relative = (file) => (path.isAbsolute(file) ? path.relative(staging, file) : file).split(path.sep).join('/');
    return {
      electronVersion,
      checks: result.globalChecks + result.atomicChecks,
      excluded: EXCLUDED_CHECKS,
      parseErrors: result.errors.filter((e) => !e.tolerable).map((e) => ({ file: relative(e.file), message: e.message })),
      issues: result.issues.map((issue) => ({
        check: issue.id,
        severity: issue.severity.name,
        confidence: issue.confidence.name,
        file: relative(issue.file),
        line: issue.location.line,
        description: issue.description,
      })),
    };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const result = await scan();
  // --docs <file> reads the accepted table from another copy (the test checks that a missing row fails).
  const docsFlag = process.argv.indexOf('--docs');
  const docs = docsFlag > 0 ? path.resolve(process.argv[docsFlag + 1]) : path.join(root, 'docs/security.md');
  const accepted = readAccepted(readFileSync(docs, 'utf8'));
  const { blocking, unaccepted, unused } = verdict(result.issues, accepted);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ ...result, accepted, unaccepted, unused }, null, 2));
  } else {
    console.log(
      `electronegativity: ${result.checks} checks on Electron ${result.electronVersion}, ${result.issues.length} findings, ${blocking.length} HIGH/MEDIUM`,
    );
    for (const issue of result.issues) {
      const mark = !BLOCKING.has(issue.severity) ? ' ' : unaccepted.includes(issue) ? '✗' : '✓';
      console.log(`${mark} ${issue.severity.padEnd(13)} ${issue.check} ${issue.file}:${issue.line}`);
    }
    for (const row of unused) console.log(`note: docs/security.md accepts ${row.check} in ${row.file}, which no longer comes up`);
    for (const error of result.parseErrors) console.log(`✗ could not parse ${error.file}: ${error.message}`);
    if (unaccepted.length > 0) console.log(`${unaccepted.length} HIGH/MEDIUM finding(s) not accepted in docs/security.md`);
  }
  process.exit(unaccepted.length > 0 || result.parseErrors.length > 0 ? 1 : 0);
}
