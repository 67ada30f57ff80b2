import { describe, expect, it, vi } from 'vitest';
import type { LogLine } from '../../shared/provider';
import { LogBuffer } from './log-buffer';

const line = (seq: number, stream: LogLine['stream'] = 'stdout'): LogLine => ({ seq, at: seq, stream, text: `line ${seq}` });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i));
const seqs = (buffer: LogBuffer) => buffer.toArray().map((l) => l.seq);

describe('LogBuffer', () => {
  it('appends in order and skips lines it already holds', () => {
    const buffer = new LogBuffer(100);
    buffer.append(range(1, 3));
    buffer.append([line(2), line(3), line(4)]);
    expect(seqs(buffer)).toEqual([1, 2, 3, 4]);
  });

  it('drops the oldest lines at capacity and reads them in order through at()', () => {
    const buffer = new LogBuffer(5);
    buffer.append(range(1, 8));
    expect(seqs(buffer)).toEqual([4, 5, 6, 7, 8]);
    const snap = buffer.getSnapshot();
    expect(snap.length).toBe(5);
    expect(snap.at(0).seq).toBe(4);
    expect(snap.at(4).seq).toBe(8);
    expect(snap.mayHaveOlder).toBe(true);
  });

  it('merges a tail that overlaps events which arrived first', () => {
    const buffer = new LogBuffer(100);
    buffer.append(range(8, 12)); // events raced ahead of the tail
    buffer.merge(range(1, 10), { file: '/logs/x.log' });
    expect(seqs(buffer)).toEqual(range(1, 12).map((l) => l.seq));
    expect(buffer.getSnapshot().file).toBe('/logs/x.log');
  });

  it('keeps the newest lines when a merge overflows, even on a wrapped ring', () => {
    const buffer = new LogBuffer(4);
    buffer.append(range(5, 10)); // wraps: holds 7..10
    buffer.merge(range(1, 6));
    expect(seqs(buffer)).toEqual([7, 8, 9, 10]);
  });

  it('counts dropped lines and notifies with a new snapshot on each change only', () => {
    const buffer = new LogBuffer(10);
    const listener = vi.fn();
    buffer.subscribe(listener);
    const before = buffer.getSnapshot();
    buffer.append([], 0);
    expect(listener).not.toHaveBeenCalled();
    expect(buffer.getSnapshot()).toBe(before);
    buffer.append([line(1)], 7);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(buffer.getSnapshot()).not.toBe(before);
    expect(buffer.getSnapshot().dropped).toBe(7);
  });

  it('stays fast at 100,000 lines', () => {
    const buffer = new LogBuffer(100_000);
    const started = performance.now();
    for (let batch = 0; batch < 200; batch++) buffer.append(range(batch * 1000 + 1, batch * 1000 + 1000));
    expect(buffer.length).toBe(100_000);
    expect(buffer.at(0).seq).toBe(100_001);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
