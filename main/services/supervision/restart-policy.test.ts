import { describe, expect, it } from 'vitest';
import { decideRestart } from './restart-policy';

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
