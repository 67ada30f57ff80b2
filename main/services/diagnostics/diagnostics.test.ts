import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/temp-dir';
import { createDiagnostics, PROVIDER_LOG_LINES } from './create-diagnostics';
import { DiagnosticsService } from './diagnostics-service';
import { redactSettings, redactText, REMOVED } from './redact';

const GATEWAY_KEY = 'gw-key-0123456789abcdef';
const SAVED_KEY = 'sk-saved-upstream-key-999';
const KEYS_FILE_KEY = 'only-in-keys-json-abcdef123';
const UNKNOWN_KEY = 'printed-by-a-provider-777';

/** A base directory as the host leaves it: logs, settings with a gateway key, keys.json. */
async function baseDir() {
  const root = await tempDir();
  const logs = path.join(root, 'logs');
  const config = path.join(root, 'config');
  await mkdir(logs, { recursive: true });
  await mkdir(config, { recursive: true });
  await writeFile(
    path.join(logs, 'app.log'),
    `[t] INFO pid 1: gateway listening with key ${GATEWAY_KEY}\n[t] ERROR pid 1: it broke\nError: x\n    at y\n`,
  );
  await writeFile(path.join(logs, 'app.log.1'), '[t] INFO pid 1: the day before\n');
  const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
  lines.push(
    `argv: vllm serve --api-key ${UNKNOWN_KEY} --port 8000`,
    `sent Authorization: Bearer ${SAVED_KEY}`,
    'GET /x?token=abc123secret',
  );
  await writeFile(path.join(logs, 'vllm.log'), `${lines.join('\n')}\n`);
  await writeFile(path.join(logs, 'llamacpp-install.log'), 'cloned\nbuilt\n');
  await writeFile(
    path.join(config, 'settings.json'),
    JSON.stringify({ autoStart: true, gateway: { host: '0.0.0.0', port: 8080, apiKey: GATEWAY_KEY }, hub: { hfToken: 'hf_abcdefghijk' } }),
  );
  await writeFile(path.join(config, 'keys.json'), JSON.stringify({ 'provider:vllm': KEYS_FILE_KEY, 'provider:x': SAVED_KEY }));
  return { root, logs, config };
}

describe('diagnostics archive', () => {
  it('holds the app log, the last lines of each provider log, settings without secrets, the system check and versions; no key anywhere', async () => {
    const { root, logs, config } = await baseDir();
    const made = await createDiagnostics({
      appLogFile: path.join(logs, 'app.log'),
      logsDir: logs,
      settingsFile: path.join(config, 'settings.json'),
      systemCheck: { os: 'linux', tools: [{ name: 'git', version: '2.43' }] },
      versions: { app: '0.1.0', node: process.version },
      secrets: [GATEWAY_KEY, SAVED_KEY],
      now: new Date('2026-11-29T12:00:00Z'),
    });
    expect(made.fileName).toBe('local-llm-diagnostics-2026-11-29T12-00-00-000Z.tar.gz');

    const out = path.join(root, 'unpacked');
    await mkdir(out);
    await writeFile(path.join(root, made.fileName), made.archive);
    await tar.extract({ file: path.join(root, made.fileName), cwd: out });
    expect((await readdir(out)).sort()).toEqual([
      'README.txt',
      'app.log',
      'app.log.1',
      'providers',
      'settings.json',
      'system-check.json',
      'versions.json',
    ]);
    expect((await readdir(path.join(out, 'providers'))).sort()).toEqual(['llamacpp-install.log', 'vllm.log']);
    expect(made.contents).toContain('providers/vllm.log');

    const appLog = await readFile(path.join(out, 'app.log'), 'utf8');
    expect(appLog).toContain('ERROR pid 1: it broke\nError: x\n    at y');
    const vllm = (await readFile(path.join(out, 'providers/vllm.log'), 'utf8')).trimEnd().split('\n');
    expect(vllm).toHaveLength(PROVIDER_LOG_LINES);
    expect(vllm.at(-1)).toBe(`GET /x?token=${REMOVED}`);
    expect(vllm).toContain(`argv: vllm serve --api-key ${REMOVED} --port 8000`);
    expect(JSON.parse(await readFile(path.join(out, 'settings.json'), 'utf8'))).toEqual({
      autoStart: true,
      gateway: { host: '0.0.0.0', port: 8080, apiKey: REMOVED },
      hub: { hfToken: REMOVED },
    });
    expect(JSON.parse(await readFile(path.join(out, 'system-check.json'), 'utf8'))).toMatchObject({ os: 'linux' });
    expect(JSON.parse(await readFile(path.join(out, 'versions.json'), 'utf8'))).toMatchObject({ app: '0.1.0', node: process.version });

    // Every byte of the archive, unpacked: none of the secrets, and nothing from keys.json.
    const everything = (await Promise.all(made.contents.map((name) => readFile(path.join(out, name), 'utf8')))).join('\n');
    for (const secret of [GATEWAY_KEY, SAVED_KEY, KEYS_FILE_KEY, UNKNOWN_KEY, 'hf_abcdefghijk', 'abc123secret'])
      expect(everything).not.toContain(secret);
  });

  it('leaves out a settings file that is not JSON rather than risk a key in it', async () => {
    const { root, logs, config } = await baseDir();
    await writeFile(path.join(config, 'settings.json'), `{ "gateway": { "apiKey": "${GATEWAY_KEY}" `);
    const made = await createDiagnostics({
      appLogFile: path.join(root, 'missing', 'app.log'),
      logsDir: logs,
      settingsFile: path.join(config, 'settings.json'),
      systemCheck: {},
      versions: {},
      secrets: [],
    });
    expect(made.contents).not.toContain('app.log');
    await tar.extract({ cwd: root, sync: false, file: await writeAndName(root, made.archive) }, ['settings.json']);
    expect(await readFile(path.join(root, 'settings.json'), 'utf8')).toMatch(/not valid JSON/);
  });

  it('saved to a folder lands inside it under its own name; a pipe named as the file is refused, not replaced', async () => {
    const { root, logs, config } = await baseDir();
    const service = new DiagnosticsService({
      appLogFile: path.join(logs, 'app.log'),
      logsDir: logs,
      settingsFile: path.join(config, 'settings.json'),
      app: { name: 'Local LLM Manager', version: '0.1.0', mode: 'headless' },
      systemCheck: async () => ({}),
      secrets: () => [GATEWAY_KEY],
    });
    const out = path.join(root, 'out');
    await mkdir(out);
    const saved = await service.create({ file: out });
    expect(saved.file).toBe(path.join(out, saved.fileName));
    expect((await readFile(saved.file!)).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const fifo = path.join(out, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(service.create({ file: fifo })).rejects.toThrow('is a named pipe, not a file');
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });
});

async function writeAndName(dir: string, archive: Buffer): Promise<string> {
  const file = path.join(dir, 'd.tar.gz');
  await writeFile(file, archive);
  return file;
}

describe('redaction', () => {
  it('replaces secret-named settings at any depth, keeps the rest', () => {
    expect(redactSettings({ a: 1, apiKey: 'x', nested: [{ token: 't', name: 'n' }], emptyToken: '' })).toEqual({
      a: 1,
      apiKey: REMOVED,
      nested: [{ token: REMOVED, name: 'n' }],
      emptyToken: '',
    });
  });

  it('removes known secrets and key-shaped text from log lines', () => {
    expect(redactText('key abcdefgh123 and abcdefgh', ['abcdefgh123', 'abcdefgh'])).toBe(`key ${REMOVED} and ${REMOVED}`);
    expect(redactText('Authorization: Bearer xyz.abc', [])).toBe(`Authorization: Bearer ${REMOVED}`);
    expect(redactText('--api-key=foo --hf-token bar', [])).toBe(`--api-key=${REMOVED} --hf-token ${REMOVED}`);
    expect(redactText('{"api_key": "v"}', [])).toBe(`{"api_key": "${REMOVED}"}`);
    expect(redactText('short ab', ['ab'])).toBe('short ab');
  });
});
