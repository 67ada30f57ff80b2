import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import * as tar from 'tar';
import { REMOVED, redactSettings, redactText } from './redact';

export interface DiagnosticsSources {
  /** The app's own log (app.log; app.log.1 beside it is taken too). */
  appLogFile: string;
  /** logs/ in the base directory: one <id>.log per provider and install. */
  logsDir: string;
  /** config/settings.json as it is on disk (read, parsed, secrets removed; never config/keys.json). */
  settingsFile: string;
  /** The system check's answer (system.check), as JSON. */
  systemCheck: unknown;
  /** App, Electron, Node, OS versions. */
  versions: Record<string, string>;
  /** Secrets known to the host, removed wherever they appear in a log. */
  secrets: readonly string[];
  now?: Date;
}

export interface Diagnostics {
  archive: Buffer;
  fileName: string;
  contents: string[];
}

/** The last lines of each provider's log: enough to see a failure, not the week before it. */
export const PROVIDER_LOG_LINES = 400;
/** The app log's tail (and its rotated file's), in bytes. */
const APP_LOG_BYTES = 1024 * 1024;
const PROVIDER_LOG_BYTES = 512 * 1024;

/**
 * One .tar.gz for a bug report: the app log's tail, the last lines of every provider's log,
 * settings with every secret removed, the system check and versions, and a README saying what is
 * in it. Secrets never enter: API keys live in config/keys.* which is not read, secret-named
 * settings are replaced, and known keys and key-shaped text are removed from every log line.
 */
export async function createDiagnostics(sources: DiagnosticsSources): Promise<Diagnostics> {
  const now = sources.now ?? new Date();
  const files = new Map<string, string>();
  const clean = (text: string) => redactText(text, sources.secrets);

  for (const [name, file] of [
    ['app.log.1', `${sources.appLogFile}.1`],
    ['app.log', sources.appLogFile],
  ] as const) {
    const text = await readTail(file, APP_LOG_BYTES);
    if (text !== undefined) files.set(name, clean(text));
  }
  for (const entry of (await readdir(sources.logsDir, { withFileTypes: true }).catch(() => [])).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (!entry.isFile() || !entry.name.endsWith('.log') || entry.name.startsWith('app.log')) continue;
    const text = await readTail(path.join(sources.logsDir, entry.name), PROVIDER_LOG_BYTES);
    if (text !== undefined) files.set(`providers/${entry.name}`, clean(lastLines(text, PROVIDER_LOG_LINES)));
  }
  files.set('settings.json', settingsText(await readFile(sources.settingsFile, 'utf8').catch(() => undefined)));
  files.set('system-check.json', clean(`${JSON.stringify(sources.systemCheck, null, 2)}\n`));
  files.set('versions.json', `${JSON.stringify({ ...sources.versions, createdAt: now.toISOString() }, null, 2)}\n`);
  files.set(
    'README.txt',
    [
      'Local LLM Manager diagnostics, for a bug report.',
      '',
      `app.log: the app's own log (its last ${APP_LOG_BYTES / 1024 / 1024} MiB; app.log.1 the rotated one).`,
      `providers/<id>.log: the last ${PROVIDER_LOG_LINES} lines of each provider's log and install log.`,
      `settings.json: the settings, every API key, token or password replaced by ${REMOVED}.`,
      'system-check.json: the OS, tools and GPUs the app saw, and what each provider needs.',
      'versions.json: app, Electron, Node and OS versions.',
      '',
      `Never included: config/keys.json or keys.enc (API keys), models, provider data. Known keys and key-shaped text in logs read ${REMOVED}.`,
      'Read it through before you attach it: a provider may print things about your machine (paths, model names).',
      '',
    ].join('\n'),
  );

  const staging = await mkdtemp(path.join(os.tmpdir(), 'llm-diagnostics-'));
  try {
    for (const [name, text] of files) {
      await mkdir(path.dirname(path.join(staging, name)), { recursive: true });
      await writeFile(path.join(staging, name), text);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of tar.create({ cwd: staging, gzip: true, portable: true }, [...files.keys()])) chunks.push(chunk as Buffer);
    return { archive: Buffer.concat(chunks), fileName: diagnosticsFileName(now), contents: [...files.keys()] };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export function diagnosticsFileName(now: Date): string {
  return `local-llm-diagnostics-${now.toISOString().replace(/[:.]/g, '-')}.tar.gz`;
}

function settingsText(raw: string | undefined): string {
  if (raw === undefined) return '{}\n';
  try {
    return `${JSON.stringify(redactSettings(JSON.parse(raw)), null, 2)}\n`;
  } catch {
    // Not JSON: it could hold a key anywhere, so only say so.
    return `${JSON.stringify({ note: 'settings.json is not valid JSON; left out so no secret in it can leak.' }, null, 2)}\n`;
  }
}

/** The last `maxBytes` of a file (from a line start), or undefined when it cannot be read. */
async function readTail(file: string, maxBytes: number): Promise<string | undefined> {
  try {
    const { size } = await stat(file);
    const start = Math.max(0, size - maxBytes);
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      const text = buffer.toString('utf8');
      return start > 0 ? text.slice(text.indexOf('\n') + 1) : text;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

function lastLines(text: string, count: number): string {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return `${lines.slice(-count).join('\n')}\n`;
}
