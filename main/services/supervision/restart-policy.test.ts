import { describe, expect, it } from 'vitest';
import { decideRestart, exitFailure } from './restart-policy';

const policy = { limit: 3, windowMs: 60_000 };

describe('decideRestart', () => {
  it('restarts at once a provider that had been serving, every time, as pm2 does', () => {
    // Killed three times, 1.5 s apart, each life healthy for over a second.
    expect(decideRestart([0], 0, policy, { healthyAt: -5_000, loopStreak: 0 })).toEqual({
      restart: true,
      delayMs: 0,
      attempt: 1,
      loopStreak: 0,
    });
    expect(decideRestart([0, 1_500], 1_500, policy, { healthyAt: 100, loopStreak: 0 })).toMatchObject({ delayMs: 0, attempt: 2 });
    expect(decideRestart([0, 1_500, 3_000], 3_000, policy, { healthyAt: 1_600, loopStreak: 0 })).toMatchObject({ delayMs: 0, attempt: 3 });
  });

  it('backs off in a crash loop: 1 s, 2 s, 4 s for lives that never got healthy or died within a second of it', () => {
    expect(decideRestart([0], 0, policy)).toEqual({ restart: true, delayMs: 1000, attempt: 1, loopStreak: 1 });
    expect(decideRestart([0, 1], 1, policy, { loopStreak: 1 })).toMatchObject({ delayMs: 2000, loopStreak: 2 });
    expect(decideRestart([0, 1, 2], 2, policy, { healthyAt: 1.5, loopStreak: 2 })).toMatchObject({ delayMs: 4000, loopStreak: 3 });
  });

  it('a life that stayed up resets the backoff', () => {
    expect(decideRestart([0, 1, 10_000], 10_000, policy, { healthyAt: 5_000, loopStreak: 2 })).toMatchObject({
      delayMs: 0,
      loopStreak: 0,
    });
    // ...and the next quick failure starts again from the base delay.
    expect(decideRestart([0, 1, 10_000, 10_500], 10_500, { ...policy, limit: 10 }, { loopStreak: 0 })).toMatchObject({
      delayMs: 1000,
      loopStreak: 1,
    });
  });

  it('gives up after more failures than the limit within the window, quick or not', () => {
    expect(decideRestart([0, 1, 2, 3], 3, policy)).toEqual({ restart: false, failures: 4, loopStreak: 1 });
    expect(decideRestart([0, 2_000, 4_000, 6_000], 6_000, policy, { healthyAt: 4_100, loopStreak: 0 })).toMatchObject({ restart: false });
  });

  it('forgets failures older than the window', () => {
    expect(decideRestart([0, 1, 2, 70_000], 70_000, policy)).toMatchObject({ restart: true, attempt: 1 });
  });

  it('caps the delay', () => {
    const many = Array.from({ length: 20 }, (_, i) => i);
    expect(decideRestart(many, 20, { limit: 100, windowMs: 60_000, maxDelayMs: 30_000 }, { loopStreak: 19 })).toMatchObject({
      delayMs: 30_000,
    });
  });

  it('with a limit of 0 never restarts', () => {
    expect(decideRestart([5], 5, { limit: 0, windowMs: 60_000 })).toMatchObject({ restart: false, failures: 1 });
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
