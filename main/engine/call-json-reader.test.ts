import { describe, expect, it } from 'vitest';
import { CallJsonReader } from './call-json-reader';

/** Feeds `pieces` one by one; answers what came out, in order, and whether the value was read to its end. */
function read(shape: 'arguments' | 'call', pieces: string[]) {
  const events: string[] = [];
  const reader = new CallJsonReader(
    shape,
    (text) => events.push(`args:${text}`),
    (name) => events.push(`name:${name}`),
  );
  for (const piece of pieces) reader.push(piece);
  const args = events
    .filter((e) => e.startsWith('args:'))
    .map((e) => e.slice(5))
    .join('');
  return { events, args, complete: reader.complete };
}

/** The text cut in two at every place (and one character at a time): what is read must not depend on the cuts. */
function everyCut(text: string): string[][] {
  const cuts = [[text], [...text]];
  for (let i = 1; i < text.length; i++) cuts.push([text.slice(0, i), text.slice(i)]);
  return cuts;
}

describe('CallJsonReader, the whole value being the arguments', () => {
  it('passes the value on as written and drops what follows it, wherever the pieces are cut', () => {
    const value = ' {"city": "Oslo {x}", "tags": ["a]", "b\\"}"], "n": {"m": 1}}';
    for (const pieces of everyCut(`${value}\n</tool_call>`)) {
      const { args, complete } = read('arguments', pieces);
      expect(args).toBe(value.trimStart());
      expect(JSON.parse(args)).toEqual({ city: 'Oslo {x}', tags: ['a]', 'b"}'], n: { m: 1 } });
      expect(complete).toBe(true);
    }
  });

  it('passes on a value cut short as far as it came, not complete', () => {
    const { args, complete } = read('arguments', ['{"city": "Os']);
    expect(args).toBe('{"city": "Os');
    expect(complete).toBe(false);
  });
});

describe('CallJsonReader, a call of one of several tools', () => {
  it('names the call first, then passes its arguments on as written, wherever the pieces are cut', () => {
    const args = '{"zone": "UTC", "at": [1, {"x": "}"}]}';
    const text = `{"name": "time", "arguments": ${args}}`;
    for (const pieces of everyCut(`${text}<|end|>`)) {
      const result = read('call', pieces);
      expect(result.events[0]).toBe('name:time');
      expect(result.events.slice(1).every((e) => e.startsWith('args:'))).toBe(true);
      expect(result.args).toBe(args);
      expect(result.complete).toBe(true);
    }
  });

  it('holds arguments written before the name until the name is whole', () => {
    const text = '{ "arguments" : {"city":"Oslo"} , "name" : "weather\\u0031" }';
    for (const pieces of everyCut(text)) {
      const result = read('call', pieces);
      expect(result.events[0]).toBe('name:weather1');
      expect(result.args).toBe('{"city":"Oslo"}');
      expect(result.complete).toBe(true);
    }
  });

  it('passes on arguments that are not an object (a string, a number) and skips other members', () => {
    expect(read('call', ['{"id": 7, "name": "f", "arguments": "x,}y", "more": [1]}']).args).toBe('"x,}y"');
    expect(read('call', ['{"name": "f", "arguments": 12.5}']).args).toBe('12.5');
    expect(read('call', ['{"name": "f", "arguments": 12.5 ,"b":1}'])).toMatchObject({ args: '12.5', complete: true });
  });

  it('never names a call whose name was cut short, and passes nothing on for it', () => {
    expect(read('call', ['{"arguments": {"a": 1}, "name": "wea'])).toEqual({ events: [], args: '', complete: false });
  });
});
