import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import type { DiagnosticsCreated } from '../shared/diagnostics';
import { startTestHost } from '../test/host-fixture';

const GATEWAY_KEY = 'gateway-key-for-the-diagnostics-test';

describe('diagnostics.create through the host', () => {
  it('answers an archive with the app log, settings without the gateway key, the system check and versions', async () => {
    const host = await startTestHost({ HELIX_LOCAL_LLM_LOG_LEVEL: 'debug' });
    const call = async <T>(method: string, params?: unknown): Promise<T> => {
      const envelope = await host.rpc.dispatch(method, params, { via: 'memory', connectionId: 'test' });
      if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
      return envelope.result as T;
    };
    await call('gateway.update', { apiKey: GATEWAY_KEY, port: 0 });
    host.appLog.write('info', `a line that quotes the key ${GATEWAY_KEY}`);
    await writeFile(path.join(host.paths.logs, 'vllm.log'), 'vllm started\n');

    const made = await call<DiagnosticsCreated>('diagnostics.create', {});
    expect(made.fileName).toMatch(/^local-llm-diagnostics-.*\.tar\.gz$/);
    const out = path.join(host.root, 'unpacked');
    await mkdir(out);
    await writeFile(path.join(host.root, made.fileName), Buffer.from(made.data!, 'base64'));
    await tar.extract({ file: path.join(host.root, made.fileName), cwd: out });
    expect(await readdir(out)).toEqual(
      expect.arrayContaining(['app.log', 'providers', 'settings.json', 'system-check.json', 'versions.json']),
    );
    expect(await readFile(path.join(out, 'providers', 'vllm.log'), 'utf8')).toBe('vllm started\n');
    expect(await readFile(path.join(out, 'app.log'), 'utf8')).toMatch(/a line that quotes the key \[removed\]/);
    expect(JSON.parse(await readFile(path.join(out, 'settings.json'), 'utf8'))).toMatchObject({ gateway: { apiKey: '[removed]' } });
    expect(JSON.parse(await readFile(path.join(out, 'versions.json'), 'utf8'))).toMatchObject({ node: process.versions.node });
    for (const name of made.contents) expect(await readFile(path.join(out, name), 'utf8'), name).not.toContain(GATEWAY_KEY);

    const file = path.join(host.root, 'saved.tar.gz');
    await expect(call('diagnostics.create', { file })).resolves.toMatchObject({ file, contents: made.contents });
    await expect(call('diagnostics.create', { file: path.join(host.root, 'no', 'such', 'dir', 'd.tar.gz') })).rejects.toMatchObject({
      code: 'IO_ERROR',
    });
    await expect(call('diagnostics.create', { file: 3 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
