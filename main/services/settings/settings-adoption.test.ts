import { describe, expect, it } from 'vitest';
import { planAdoption, type AdoptionContext } from './settings-adoption';
import type { SettingsFileRead } from './settings-file';

const FILE = '/base/config/settings.json';
const at = (when: 'load' | 'edit', readOnly = false): AdoptionContext => ({
  when,
  file: FILE,
  readOnly,
  saved: { healthIntervalSec: 7, startupTimeoutSec: 9 },
});

describe('planAdoption', () => {
  it('takes a good file in whole and remembers its text', () => {
    const read: SettingsFileRead = {
      kind: 'read',
      text: '{"healthIntervalSec":5}',
      values: { healthIntervalSec: 5 },
      named: { healthIntervalSec: 5 },
      bad: [],
      badKeys: [],
      dropped: {},
    };
    expect(planAdoption(read, at('edit'))).toEqual({ known: read.text, take: { healthIntervalSec: 5 } });
  });

  it('forgets the text when the file is gone, and the saved values with it', () => {
    expect(planAdoption({ kind: 'missing' }, at('edit'))).toEqual({ forget: true, take: {} });
  });

  it('keeps an unusable file aside: at start defaults apply, after a hand edit the values in effect are written back', () => {
    const read: SettingsFileRead = { kind: 'unusable', text: '{', reason: 'not JSON' };
    const atLoad = planAdoption(read, at('load'));
    expect(atLoad).toMatchObject({ forget: true });
    expect(atLoad.write).toBeUndefined();
    expect(atLoad.keepAside?.('settings.json.corrupt-1').hint).toContain('kept as settings.json.corrupt-1 and defaults are in use');
    const afterEdit = planAdoption(read, at('edit'));
    expect(afterEdit).toMatchObject({ write: { healthIntervalSec: 7, startupTimeoutSec: 9 } });
    expect(afterEdit.keepAside?.('x').hint).toContain('the previous settings stay in effect');
  });

  it('after a hand edit, a bad value keeps the one in effect; at start it falls back to the default', () => {
    const read: SettingsFileRead = {
      kind: 'read',
      text: '…',
      values: { healthIntervalSec: 5 },
      named: { healthIntervalSec: 5 },
      bad: ['startupTimeoutSec must be a number'],
      badKeys: ['startupTimeoutSec'],
      dropped: {},
    };
    expect(planAdoption(read, at('edit'))).toMatchObject({
      write: { healthIntervalSec: 5, startupTimeoutSec: 9 },
      take: { healthIntervalSec: 5, startupTimeoutSec: 9 },
    });
    const atLoad = planAdoption(read, at('load'));
    expect(atLoad).toMatchObject({ write: { healthIntervalSec: 5 }, take: { healthIntervalSec: 5 } });
    expect(atLoad.keepAside?.('kept').message).toBe(`${FILE} has invalid settings: startupTimeoutSec must be a number.`);
  });

  it('read-only: reports and applies what is valid, but never keeps aside or writes', () => {
    const bad: SettingsFileRead = {
      kind: 'read',
      text: '…',
      values: { healthIntervalSec: 5 },
      named: { healthIntervalSec: 5 },
      bad: ['startupTimeoutSec must be a number'],
      badKeys: ['startupTimeoutSec'],
      dropped: {},
    };
    const plan = planAdoption(bad, at('load', true));
    expect(plan.keepAside).toBeUndefined();
    expect(plan.write).toBeUndefined();
    expect(plan).toMatchObject({ take: { healthIntervalSec: 5 }, problem: { origin: FILE } });
    expect(plan.problem?.hint).toContain('left as it is');
    const unusable = planAdoption({ kind: 'unusable', reason: 'too big' }, at('load', true));
    expect(unusable).toEqual({
      problem: expect.objectContaining({ message: 'too big', hint: expect.stringContaining('Defaults are in use.') }),
    });
  });

  it('an unreadable file changes nothing and is reported', () => {
    expect(planAdoption({ kind: 'unreadable', reason: 'EACCES' }, at('load'))).toEqual({
      problem: expect.objectContaining({ message: 'EACCES', hint: expect.stringContaining('permissions') }),
    });
  });
});
