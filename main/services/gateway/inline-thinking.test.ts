import { describe, expect, it } from 'vitest';
import { InlineThinking, splitClosedThinking } from './inline-thinking';

function split(pieces: string[]) {
  let reasoning = '';
  let answer = '';
  const order: string[] = [];
  const thinking = new InlineThinking((text, isReasoning) => {
    if (isReasoning) reasoning += text;
    else answer += text;
    order.push(isReasoning ? 'r' : 'a');
  });
  for (const piece of pieces) thinking.push(piece);
  thinking.end();
  return { reasoning, answer, order: [...new Set(order)].join('') };
}

describe('InlineThinking', () => {
  it('takes <think>…</think> at the start as reasoning, whatever the pieces it comes in', () => {
    const text = '<think>\nLet me see: 2+2.\n</think>\n\nIt is 4.';
    const whole = split([text]);
    expect(whole).toEqual({ reasoning: '\nLet me see: 2+2.\n', answer: 'It is 4.', order: 'ra' });
    // Every place the text can be cut, tags included.
    for (let cut = 1; cut < text.length; cut++) expect(split([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    expect(split([...text])).toEqual(whole);
  });

  it('leaves an answer without thinking as it is, a tag later in it included', () => {
    expect(split(['Hello', ' <think>world</think>'])).toEqual({ reasoning: '', answer: 'Hello <think>world</think>', order: 'a' });
    expect(split(['<', 'b>bold</b>'])).toEqual({ reasoning: '', answer: '<b>bold</b>', order: 'a' });
  });

  it('keeps a thought that never closed (the answer was cut) as reasoning', () => {
    expect(split(['<think>still going</thi'])).toEqual({ reasoning: 'still going</thi', answer: '', order: 'r' });
  });
});

describe('splitClosedThinking', () => {
  it('splits an answer whose opening tag the template wrote, and only such an answer', () => {
    expect(splitClosedThinking('hmm, 2+2\n</think>\n\nIt is 4.')).toEqual({ reasoning: 'hmm, 2+2', answer: 'It is 4.' });
    expect(splitClosedThinking('It is 4.')).toBeUndefined();
    expect(splitClosedThinking('<think>a</think>b')).toBeUndefined();
  });
});
