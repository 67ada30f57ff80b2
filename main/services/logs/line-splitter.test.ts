import { describe, expect, it } from 'vitest';
import { CUT_MARK, LineSplitter } from './line-splitter';
import { LogRing } from './log-ring';

describe('LineSplitter', () => {
  it('splits on newlines across chunks and drops a CRLF’s carriage return', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('one\r\ntw')).toEqual(['one']);
    expect(splitter.push('o\nthree')).toEqual(['two']);
    expect(splitter.flush()).toEqual(['three']);
  });

  it('keeps only the last drawing of a line a progress bar redrew with carriage returns', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('Receiving objects:  16% (1/6)\rReceiving objects: 100% (6/6), done.\n')).toEqual([
      'Receiving objects: 100% (6/6), done.',
    ]);
    expect(splitter.push('50%\r100%\r\n')).toEqual(['100%']);
  });

  it('cuts a runaway line at the limit, marks it, sends it at once and drops the rest up to its newline', () => {
    const splitter = new LineSplitter(4, ' [cut]');
    expect(splitter.push('abcdefghij')).toEqual(['abcd [cut]']);
    expect(splitter.push('klmnop')).toEqual([]);
    expect(splitter.push('qr\nnext\nabcdefgh\n')).toEqual(['next', 'abcd [cut]']);
    expect(splitter.push('ok')).toEqual([]);
    expect(splitter.flush()).toEqual(['ok']);
  });

  it('does not cut a progress bar whose every drawing fits, however long it runs', () => {
    const splitter = new LineSplitter(10, ' [cut]');
    for (let i = 0; i < 1_000; i++) expect(splitter.push(`${i % 100}%\r`)).toEqual([]);
    expect(splitter.push('done\n')).toEqual(['done']);
  });

  it('holds a bounded amount of a gigabyte-long line fed in pipe-sized chunks', () => {
    const splitter = new LineSplitter();
    const chunk = 'x'.repeat(64 * 1024);
    const lines: string[] = [];
    // 1 GiB in all, the way a provider printing it with no newline would arrive.
    for (let i = 0; i < 16 * 1024; i++) lines.push(...splitter.push(chunk));
    lines.push(...splitter.push('\nafter\n'));
    expect(lines).toEqual(['x'.repeat(16 * 1024) + CUT_MARK, 'after']);
  });
});

describe('LogRing', () => {
  it('returns the newest lines in order once full', () => {
    const ring = new LogRing(3);
    for (let seq = 1; seq <= 5; seq++) ring.push({ seq, at: 0, stream: 'stdout', text: String(seq) });
    expect(ring.tail(10).map((l) => l.seq)).toEqual([3, 4, 5]);
    expect(ring.length).toBe(3);
  });

  it('drops the oldest lines once their text passes the character budget, keeping the newest however long', () => {
    const ring = new LogRing(100, 10);
    for (let seq = 1; seq <= 4; seq++) ring.push({ seq, at: 0, stream: 'stdout', text: 'abcd' });
    expect(ring.tail(10).map((l) => l.seq)).toEqual([3, 4]);
    ring.push({ seq: 5, at: 0, stream: 'stdout', text: 'x'.repeat(50) });
    expect(ring.tail(10).map((l) => l.seq)).toEqual([5]);
    ring.push({ seq: 6, at: 0, stream: 'stdout', text: 'y' });
    expect(ring.tail(10).map((l) => l.seq)).toEqual([6]);
  });
});
