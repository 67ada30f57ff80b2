import { describe, expect, it } from 'vitest';
import { decideRestart, exitFailure } from './restart-policy';

const policy = { limit: 3, windowMs: 60_000 };

describe('decideRestart', () => {
  it('backs off exponentially: 1 s, 2 s, 4 s', () => {
    expect(decideRestart([0], 0, policy)).toEqual({ restart: true, delayMs: 1000, attempt: 1 });
    expect(decideRestart([0, 1], 1, policy)).toEqual({ restart: true, delayMs: 2000, attempt: 2 });
    expect(decideRestart([0, 1, 2], 2, policy)).toEqual({ restart: true, delayMs: 4000, attempt: 3 });
  });

  it('gives up after more failures than the limit within the window', () => {
    expect(decideRestart([0, 1, 2, 3], 3, policy)).toEqual({ restart: false, failures: 4 });
  });

  it('forgets failures older than the window', () => {
    expect(decideRestart([0, 1, 2, 70_000], 70_000, policy)).toEqual({ restart: true, delayMs: 1000, attempt: 1 });
  });

  it('caps the delay', () => {
    const many = Array.from({ length: 20 }, (_, i) => i);
    expect(decideRestart(many, 20, { limit: 100, windowMs: 60_000, maxDelayMs: 30_000 })).toMatchObject({ delayMs: 30_000 });
  });

  it('with a limit of 0 never restarts', () => {
    expect(decideRestart([5], 5, { limit: 0, windowMs: 60_000 })).toEqual({ restart: false, failures: 1 });
  });
});

describe('exitFailure', () => {
  const recipe = { stop: undefined, fatalExitCodes: [78] };
  const lastLine = () => 'error: model file not found';

  it('retries a crash, naming how the process ended', () => {
    expect(exitFailure(recipe, 'server', { code: 3, signal: null }, lastLine)).toEqual({
      error: { message: 'server exited with code 3', hint: 'The log below shows what it printed before it stopped.' },
      retry: true,
    });
  });

  it('never retries an exit code the recipe calls fatal, and says why from its last stderr line', () => {
    const failure = exitFailure(recipe, 'server', { code: 78, signal: null }, lastLine);
    expect(failure?.retry).toBe(false);
    expect(failure?.error.message).toBe('server exited with code 78: error: model file not found');
    expect(failure?.error.hint).toMatch(/Fix the configuration/);
  });

  it('never retries a program that cannot be started', () => {
    const spawnError = Object.assign(new Error('spawn x ENOENT'), { code: 'ENOENT' });
    const failure = exitFailure(recipe, 'server', { code: null, signal: null, spawnError }, () => undefined);
    expect(failure?.retry).toBe(false);
    expect(failure?.error.hint).toBe('Install the program, or fix the start command of this provider.');
  });

  it('is no failure when a launcher with a stop command exits 0 (the app it started serves)', () => {
    expect(
      exitFailure({ stop: ['lms', 'server', 'stop'], fatalExitCodes: [] }, 'launcher', { code: 0, signal: null }, lastLine),
    ).toBeUndefined();
  });
});
