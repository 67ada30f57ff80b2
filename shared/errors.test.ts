import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppFailure, isAppError, toAppError } from './errors';

describe('app errors are branded', () => {
  it('knows an error made by AppFailure, also as a subclass', () => {
    class Special extends AppFailure {}
    expect(isAppError(new AppFailure({ code: 'CONFLICT', message: 'busy' }))).toBe(true);
    expect(isAppError(new Special({ code: 'NOT_FOUND', message: 'gone' }))).toBe(true);
  });

  it('does not take a Node ErrnoException or an object shaped like an AppError for one', () => {
    const errno: NodeJS.ErrnoException = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    expect(isAppError(errno)).toBe(false);
    expect(isAppError({ code: 'CONFLICT', message: 'looks official' })).toBe(false);
    // What a wire delivers: JSON carries no symbol, so the brand does not survive it.
    expect(isAppError(JSON.parse(JSON.stringify(new AppFailure({ code: 'CONFLICT', message: 'busy' }))))).toBe(false);
    expect(isAppError(null)).toBe(false);
    expect(isAppError('CONFLICT')).toBe(false);
  });

  it('turns anything unbranded into INTERNAL with the report hint, keeping only its message', () => {
    const errno: NodeJS.ErrnoException = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    expect(toAppError(errno)).toEqual({ code: 'INTERNAL', message: 'ENOENT: no such file', hint: expect.stringContaining('report it') });
    expect(toAppError({ code: 'CONFLICT', message: 'x' })).toMatchObject({ code: 'INTERNAL' });
    expect(toAppError(new AppFailure({ code: 'CONFLICT', message: 'busy', hint: 'wait' }))).toEqual({
      code: 'CONFLICT',
      message: 'busy',
      hint: 'wait',
    });
  });

  it("says what to do about the machine's state (a full disk, a folder it may not write) instead of calling it a bug", () => {
    // The kernel's own full disk.
    let full: unknown;
    try {
      writeFileSync('/dev/full', 'x');
    } catch (error) {
      full = error;
    }
    expect(toAppError(full)).toEqual({
      code: 'IO_ERROR',
      message: 'ENOSPC: no space left on device, write',
      hint: 'The disk is full: free some space, then try again.',
    });
    // As Node reports them (a real EACCES needs a user other than root, which CI may not have).
    const denied = Object.assign(new Error("EACCES: permission denied, open '/srv/x'"), {
      code: 'EACCES',
      syscall: 'open',
      path: '/srv/x',
    });
    expect(toAppError(denied)).toMatchObject({
      code: 'IO_ERROR',
      hint: expect.stringContaining("check the folder's owner and permissions"),
    });
    const watchers = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
      code: 'ENOSPC',
      syscall: 'watch',
    });
    expect(toAppError(watchers).hint).toContain('fs.inotify.max_user_watches');
    // A port refused is no folder problem: still reported as a bug.
    const port = Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'), { code: 'EACCES', syscall: 'listen' });
    expect(toAppError(port)).toMatchObject({ code: 'INTERNAL' });
  });

  it('serialises to the wire shape without the brand', () => {
    const wire = JSON.parse(
      JSON.stringify(new AppFailure({ code: 'NOT_FOUND', message: 'no', hint: 'make one', details: { a: 1 } })),
    ) as unknown;
    expect(wire).toEqual({ code: 'NOT_FOUND', message: 'no', hint: 'make one', details: { a: 1 } });
  });
});
