import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../api/log-buffer';
import type { LineSource } from '../../api/log-buffer';
import type { LogLine } from '../../../shared/provider';
import { LineFilter, lowerBoundBySeq, makeMatcher } from './line-filter';

const line = (seq: number, text = `line ${seq}`): LogLine => ({ seq, at: seq, stream: 'stdout', text });
const seqsOf = (source: LineSource) => Array.from({ length: source.length }, (_, i) => source.at(i).seq);
const even = (text: string) => Number(text.split(' ')[1]) % 2 === 0;

describe('makeMatcher', () => {
  it('matches text case-insensitively unless asked, and regular expressions', () => {
    const plain = makeMatcher('error', { regex: false, caseSensitive: false });
    expect(plain.ok && plain.test('An ERROR here')).toBe(true);
    const exact = makeMatcher('error', { regex: false, caseSensitive: true });
    expect(exact.ok && exact.test('An ERROR here')).toBe(false);
    const re = makeMatcher('^GET /v1/\\w+', { regex: true, caseSensitive: false });
    expect(re.ok && re.test('get /v1/models 200')).toBe(true);
  });

  it('reports a bad regular expression', () => {
    expect(makeMatcher('([', { regex: true, caseSensitive: false })).toMatchObject({ ok: false });
  });

  it('runs a catastrophic-backtracking pattern in linear time, and names what RE2 leaves out', () => {
    // With RegExp this one line would hang the page for longer than anyone waits.
    const re = makeMatcher('(a+)+$', { regex: true, caseSensitive: false });
    expect(re.ok && re.test(`${'a'.repeat(100_000)}b`)).toBe(false);
    expect(makeMatcher('x(?=y)', { regex: true, caseSensitive: false })).toEqual({
      ok: false,
      error: expect.stringMatching(/^Lookahead and lookbehind .* not supported/),
    });
  });
});

describe('lowerBoundBySeq', () => {
  it('finds the first line at or after a seq', () => {
    const buffer = new LogBuffer(10);
    buffer.append([line(2), line(4), line(6)]);
    expect(lowerBoundBySeq(buffer, 1)).toBe(0);
    expect(lowerBoundBySeq(buffer, 4)).toBe(1);
    expect(lowerBoundBySeq(buffer, 5)).toBe(2);
    expect(lowerBoundBySeq(buffer, 7)).toBe(3);
  });
});

describe('LineFilter', () => {
  it('filters, then adds only new lines and forgets evicted ones', () => {
    const buffer = new LogBuffer(6);
    const filter = new LineFilter();
    buffer.append([1, 2, 3, 4].map((n) => line(n)));
    expect(seqsOf(filter.update(buffer, 'even', even))).toEqual([2, 4]);
    buffer.append([5, 6, 7, 8].map((n) => line(n))); // evicts 1 and 2
    expect(seqsOf(filter.update(buffer, 'even', even))).toEqual([4, 6, 8]);
  });

  it('rescans for a new query and after older lines were merged in', () => {
    const buffer = new LogBuffer(100);
    const filter = new LineFilter();
    buffer.append([5, 6, 7].map((n) => line(n)));
    expect(seqsOf(filter.update(buffer, 'even', even))).toEqual([6]);
    expect(seqsOf(filter.update(buffer, 'all', () => true))).toEqual([5, 6, 7]);
    buffer.merge([1, 2, 3, 4].map((n) => line(n)));
    expect(seqsOf(filter.update(buffer, 'all', () => true))).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('starts over when the buffer was reset', () => {
    const buffer = new LogBuffer(100);
    const filter = new LineFilter();
    buffer.append([10, 11].map((n) => line(n)));
    filter.update(buffer, 'all', () => true);
    buffer.reset();
    buffer.append([1, 2].map((n) => line(n)));
    expect(seqsOf(filter.update(buffer, 'all', () => true))).toEqual([1, 2]);
  });
});
