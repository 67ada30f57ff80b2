import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../../shared/rpc/server';
import type { SettingsProblem } from '../../../shared/settings';
import { tempDir } from '../../../test/temp-dir';
import { readEnvDefaults } from '../settings/settings-env';
import { AppLog, type AppLogLevel } from './app-log';
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
