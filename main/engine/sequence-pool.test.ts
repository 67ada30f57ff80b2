import { describe, expect, it } from 'vitest';
import { SequencePool } from './sequence-pool';

describe('SequencePool', () => {
  it('gives a request the free item it scores highest (the sequence holding most of its prompt)', async () => {
    const pool = new SequencePool(['a', 'b', 'c']);
    const held = { a: 5, b: 40, c: 0 } as Record<string, number>;
    await expect(
      pool.use(
        async (item) => item,
        (item) => held[item]!,
      ),
    ).resolves.toBe('b');
    // On a tie, the one used longest ago ('b' was just freed, so it is now the latest).
    await expect(
      pool.use(
        async (item) => item,
        () => 0,
      ),
    ).resolves.toBe('a');
    // Without a score, the one freed last.
    await expect(pool.use(async (item) => item)).resolves.toBe('a');
  });

  it('makes requests beyond its size wait their turn, in order', async () => {
    const pool = new SequencePool(['only']);
    const order: string[] = [];
    let release!: () => void;
    const first = pool.use(() => new Promise<void>((resolve) => (release = resolve)).then(() => order.push('first')));
    const second = pool.use(
      async () => order.push('second'),
      () => 1,
    );
    const third = pool.use(async () => order.push('third'));
    expect(pool.queued).toBe(2);
    release();
    await Promise.all([first, second, third]);
    expect(order).toEqual(['first', 'second', 'third']);
  });
});
