import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { restoreParts, salvage } from './settings-salvage';

const Pair = z.object({ a: z.number(), b: z.number() }).strict();

describe('salvage', () => {
  it('takes out a list element whose required fields are bad once, never its neighbour', () => {
    const result = salvage(z.array(Pair), [{ a: 'x', b: 'y' }, { a: 1, b: 2 }, { a: 3 }, { a: 5, b: 6 }]);
    expect(result?.data).toEqual([
      { a: 1, b: 2 },
      { a: 5, b: 6 },
    ]);
    expect(result?.dropped.map((d) => d.path)).toEqual([[0, 'a'], [0, 'b'], [2], [0]]);
  });

  it('gives up only where the whole value would have to go', () => {
    expect(salvage(z.array(Pair), 'not a list')).toBeUndefined();
    expect(salvage(Pair, { a: 1 })).toBeUndefined();
    expect(salvage(z.record(z.string(), Pair), { x: { a: 1, b: 2 }, y: { a: 1, b: 'no' } })?.data).toEqual({ x: { a: 1, b: 2 } });
  });

  it('puts bad object fields back from the value in effect, but not list elements, whose places have moved', () => {
    const Loose = z.object({ a: z.number().optional(), b: z.number().optional() }).strict();
    const Schema = z.object({ pair: Loose, list: z.array(z.number()) });
    const salvaged = salvage(Schema, { pair: { a: 10, b: 'oops' }, list: [1, 'two', 3] })!;
    expect(salvaged.data).toEqual({ pair: { a: 10 }, list: [1, 3] });
    expect(restoreParts(Schema, salvaged.data, { pair: { a: 0, b: 20 }, list: [9, 9, 9] }, salvaged.dropped)).toEqual({
      pair: { a: 10, b: 20 },
      list: [1, 3],
    });
    // A part with no value in effect stays out.
    expect(restoreParts(Schema, salvaged.data, {}, salvaged.dropped)).toEqual(salvaged.data);
    // A container taken out (its required field was bad) comes back whole.
    const strict = salvage(z.object({ pair: Pair.optional() }), { pair: { a: 10, b: 'oops' } })!;
    expect(strict.data).toEqual({});
    expect(restoreParts(z.object({ pair: Pair }), strict.data, { pair: { a: 0, b: 20 } }, strict.dropped)).toEqual({
      pair: { a: 0, b: 20 },
    });
    expect(restoreParts(z.object({ pair: Pair }), strict.data, {}, strict.dropped)).toBeUndefined();
  });
});
