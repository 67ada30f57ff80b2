import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../../shared/rpc/server';
import type { SettingsProblem } from '../../../shared/settings';
import { tempDir } from '../../../test/temp-dir';
import { readEnvDefaults } from '../settings/settings-env';
import { pathsFor } from '../base-dir/paths';
import { AppLog, appLogFile, type AppLogLevel } from './app-log';
import { withRequestLog } from './request-log';

describe('the app log level', () => {
  it('writes what its level allows, read at each line (a change in Settings applies at once)', async () => {
    const file = path.join(await tempDir(), 'logs', 'app.log');
    let level: AppLogLevel = 'warn';
    const log = new AppLog(file, () => level);
    log.write('info', 'not at warn');
    log.write('warn', 'a warning');
    level = 'debug';
    log.write('debug', 'now debug');
    level = 'error';
    log.write('warn', 'not at error');
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/WARN pid \d+: a warning/);
    expect(text).toMatch(/DEBUG pid \d+: now debug/);
    expect(text).not.toMatch(/not at/);
  });

  it('logs each request at debug without its parameters', async () => {
    const file = path.join(await tempDir(), 'app.log');
    const log = new AppLog(file, () => 'debug');
    const handlers = withRequestLog(
      {
        'keys.set': (_input: { key: string }, _ctx: CallContext) => 'ok',
        'app.info': (_input: undefined, _ctx: CallContext) => {
          throw new Error('boom');
        },
      },
      log,
    );
    await handlers['keys.set']({ key: 'sk-secret-value' }, { via: 'ws', connectionId: 'c1' });
    await expect(handlers['app.info'](undefined, { via: 'memory', connectionId: 'cli' })).rejects.toThrow('boom');
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/DEBUG .*request keys\.set from ws c1: ok in [\d.]+ ms/);
    expect(text).toMatch(/request app\.info from memory cli: INTERNAL in/);
    expect(text).not.toContain('sk-secret-value');
  });

  it('takes HELIX_LOCAL_LLM_LOG_LEVEL as the default, in any case, and names a bad value', () => {
    const problems: SettingsProblem[] = [];
    expect(readEnvDefaults({ HELIX_LOCAL_LLM_LOG_LEVEL: 'DEBUG' }, problems)).toEqual({ logLevel: 'debug' });
    expect(readEnvDefaults({ HELIX_LOCAL_LLM_LOG_LEVEL: 'loud' }, problems)).toEqual({});
    expect(problems[0]?.message).toBe('HELIX_LOCAL_LLM_LOG_LEVEL="loud" is not one of error, warn, info, debug.');
  });
});

describe('the app log file', () => {
  it('writes one format (time, level, pid, message, then the stack) and rotates past 5 MiB keeping one old file', async () => {
    const file = path.join(await tempDir(), 'logs', 'app.log');
    const log = new AppLog(file, () => 'info');
    log.write('error', 'it broke', new Error('the cause'));
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] ERROR pid \d+: it broke\nError: the cause\n\s+at /);
    const big = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 6; i++) log.write('info', big);
    log.write('info', 'after the rotation');
    expect((await stat(`${file}.1`)).size).toBeGreaterThan(5 * 1024 * 1024);
    expect(await readFile(file, 'utf8')).toMatch(/after the rotation/);
  });

  it('lives in the OS log folder unless HELIX_LOCAL_LLM_DIR picked the base directory', () => {
    const paths = pathsFor('/data/llm');
    expect(appLogFile(paths, 'env', '/os/logs')).toBe(path.join('/data/llm', 'logs', 'app.log'));
    expect(appLogFile(paths, 'saved', '/os/logs')).toBe(path.join('/os/logs', 'app.log'));
    expect(appLogFile(paths, 'default', '/os/logs')).toBe(path.join('/os/logs', 'app.log'));
  });
});
