import { describe, expect, it } from 'vitest';
import { applyMergePatch, changedPaths, keepPresent, mergePatchBetween, overlaps, patchPaths } from './settings-merge';

describe('settings merge patches', () => {
  it('merges maps entry by entry and field by field; null removes; arrays replace', () => {
    const providers = { a: { port: 1, model: 'm' }, b: { port: 2 } };
    expect(applyMergePatch(providers, { a: { port: 5 } })).toEqual({ a: { port: 5, model: 'm' }, b: { port: 2 } });
    expect(applyMergePatch(providers, { a: { model: null }, b: null })).toEqual({ a: { port: 1 } });
    expect(applyMergePatch({ endpoints: ['x', 'y'] }, { endpoints: ['z'] })).toEqual({ endpoints: ['z'] });
    // Its inputs stay as they were: the values in effect are never changed in place.
    expect(providers).toEqual({ a: { port: 1, model: 'm' }, b: { port: 2 } });
  });

  it('treats keys named like Object.prototype members as plain keys, never as a prototype', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"port": 1}}') as unknown;
    const merged = applyMergePatch({}, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged).sort()).toEqual(['__proto__', 'constructor']);
    expect((merged as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    // An absent `constructor` reads as absent, not as the Object function.
    expect(applyMergePatch({}, { constructor: { port: 1 } })).toEqual({ constructor: { port: 1 } });
  });

  it('names the places a patch writes and the places two values differ', () => {
    expect(patchPaths({ a: { port: 5, install: { repository: null } }, b: null }, ['providers'])).toEqual([
      ['providers', 'a', 'port'],
      ['providers', 'a', 'install', 'repository'],
      ['providers', 'b'],
    ]);
    expect(changedPaths({ a: { port: 1 }, b: { port: 2 } }, { a: { port: 1 }, c: { port: 3 }, b: { port: 4 } })).toEqual([
      ['b', 'port'],
      ['c', 'port'],
    ]);
    expect(changedPaths({ a: { port: 1, model: 'm' } }, {})).toEqual([
      ['a', 'port'],
      ['a', 'model'],
    ]);
    expect(changedPaths({}, { a: {} })).toEqual([['a']]);
    expect(changedPaths({ list: [1, 2] }, { list: [1, 2] })).toEqual([]);
  });

  it('sees a change to a provider and a change to one of its fields as overlapping, siblings as not', () => {
    expect(overlaps(['providers', 'a'], ['providers', 'a', 'port'])).toBe(true);
    expect(overlaps(['providers', 'a', 'port'], ['providers', 'a', 'port'])).toBe(true);
    expect(overlaps(['providers', 'a', 'port'], ['providers', 'a', 'model'])).toBe(false);
    expect(overlaps(['providers', 'a'], ['providers', 'b'])).toBe(false);
  });

  it('finds the patch between two values, which turns the first into the second', () => {
    const before = { port: 1, onDemand: { ttlSec: 600, enabled: true }, apiKey: 'k', list: [1] };
    const after = { port: 1, onDemand: { ttlSec: 120, enabled: true }, list: [1, 2], strategy: 'priority' };
    const patch = mergePatchBetween(before, after);
    expect(patch).toEqual({ apiKey: null, onDemand: { ttlSec: 120 }, list: [1, 2], strategy: 'priority' });
    expect(applyMergePatch(before, patch)).toEqual(after);
    expect(mergePatchBetween(5, 6)).toBe(6);
  });

  it('cuts a value back to the keys a mask has, at every depth where both are objects', () => {
    const value = { port: 1, onDemand: { ttlSec: 120, enabled: true }, list: [1, 2] };
    expect(keepPresent(value, { onDemand: { ttlSec: 0 }, list: [], absent: 1 })).toEqual({ onDemand: { ttlSec: 120 }, list: [1, 2] });
    expect(keepPresent(value, 'not an object')).toBe(value);
  });
});
