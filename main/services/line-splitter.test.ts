import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter';

describe('LineSplitter', () => {
  it('splits on newlines across chunks and drops a CRLF’s carriage return', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('one\r\ntw')).toEqual(['one']);
    expect(splitter.push('o\nthree')).toEqual(['two']);
    expect(splitter.flush()).toEqual(['three']);
  });

  it('keeps only the last drawing of a line a progress bar redrew with carriage returns', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('Receiving objects:  16% (1/6)\rReceiving objects: 100% (6/6), done.\n')).toEqual(['Receiving objects: 100% (6/6), done.']);
    expect(splitter.push('50%\r100%\r\n')).toEqual(['100%']);
  });

  it('cuts a runaway line at the limit', () => {
    const splitter = new LineSplitter(4);
    expect(splitter.push('abcdefghij')).toEqual(['abcd', 'efgh']);
    expect(splitter.flush()).toEqual(['ij']);
  });
});
