import { describe, expect, it } from 'vitest';
import { Ring } from './ring';

describe('Ring', () => {
  it('keeps the newest items in order once full', () => {
    const ring = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.last()).toBe(5);
    expect(ring.size).toBe(3);
  });

  it('says which item fell off, gives up its oldest on shift, and reads newest first', () => {
    const ring = new Ring<string>(2);
    expect(ring.push('a')).toBeUndefined();
    expect(ring.push('b')).toBeUndefined();
    expect(ring.push('c')).toBe('a');
    expect([...ring.newestFirst()]).toEqual(['c', 'b']);
    expect(ring.shift()).toBe('b');
    expect(ring.toArray()).toEqual(['c']);
    expect(ring.shift()).toBe('c');
    expect(ring.shift()).toBeUndefined();
    expect(ring.last()).toBeUndefined();
    ring.push('d');
    ring.push('e');
    expect(ring.toArray()).toEqual(['d', 'e']);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new Ring(0)).toThrow(RangeError);
    expect(() => new Ring(1.5)).toThrow(RangeError);
  });
});
