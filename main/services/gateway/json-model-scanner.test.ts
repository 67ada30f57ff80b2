import { describe, expect, it } from 'vitest';
import { JsonModelScanner } from './json-model-scanner';

function scan(text: string | Buffer, chunkSize = Infinity): JsonModelScanner {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const scanner = new JsonModelScanner();
  for (let i = 0; i < bytes.length; i += chunkSize === Infinity ? bytes.length : chunkSize) {
    scanner.push(bytes.subarray(i, Math.min(bytes.length, i + (chunkSize === Infinity ? bytes.length : chunkSize))));
  }
  scanner.end();
  return scanner;
}

/** Valid and invalid bodies; the verdict is always compared with JSON.parse, never hard-coded. */
const SAMPLES = [
  '{"model":"llama3","messages":[{"role":"user","content":"hi"}]}',
  ' { "messages" : [ ] , "model" : "a/b:c" , "stream" : true } ',
  '{"messages":[{"content":"model \\"x\\" \\u00e9\\n","role":"user"}],"temperature":0.7,"max_tokens":1e3,"top_p":-0.5E-2,"model":"q"}',
  '{"nested":{"model":"not-this"},"model":"this"}',
  '{"model":"caf\\u00e9"}',
  '{"model":"ünïcode-mödel"}',
  '{"a":[1,2,[3,{"b":null}],true,false],"model":"m"}',
  '{"x":0,"y":-0,"z":0.0,"model":"m"}',
  '{}',
  '{"model":"m",}',
  '{"model":"m"',
  '{"model":"m"}}',
  '{"model":"m"} x',
  '{"model":01}',
  '{"a":01,"model":"m"}',
  '{"a":1.,"model":"m"}',
  '{"a":.5,"model":"m"}',
  '{"a":1e,"model":"m"}',
  '{"a":-,"model":"m"}',
  '{"a":tru,"model":"m"}',
  '{"a":nul}',
  '{"a":"\\x"}',
  '{"a":"\\u12g4"}',
  '{"a":"tab\there"}',
  '{"a" "b"}',
  '{a:1}',
  '[1,2]',
  '"model"',
  '',
  '   ',
  '{"a":[1,2}',
  '{"a":{"b":1]}',
  '{"a":1 "b":2}',
  "{'model':'m'}",
];

describe('JsonModelScanner', () => {
  it('agrees with JSON.parse on validity for every sample, whole and split at every byte', () => {
    for (const sample of SAMPLES) {
      // The gateway wants an object at the top, as every OpenAI endpoint does.
      let valid = true;
      try {
        const value: unknown = JSON.parse(sample);
        valid = typeof value === 'object' && value !== null && !Array.isArray(value);
      } catch {
        valid = false;
      }
      const bytes = Buffer.from(sample);
      for (const size of [Infinity, 1, 2, 3, 7]) {
        const scanner = scan(bytes, size);
        expect({ sample, size, valid: scanner.error === undefined }).toEqual({ sample, size, valid });
      }
    }
  });

  it('finds the top-level model as JSON.parse reads it, however the body is split', () => {
    for (const sample of SAMPLES) {
      let parsed: { model?: unknown } | undefined;
      try {
        parsed = JSON.parse(sample) as { model?: unknown };
      } catch {
        continue;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) continue;
      for (let size = 1; size <= Buffer.byteLength(sample); size++) {
        expect(scan(sample, size).model).toBe(parsed.model);
      }
    }
  });

  it('knows the model before the rest of the body has arrived', () => {
    const scanner = new JsonModelScanner();
    scanner.push(Buffer.from('{"model": "early-bird", "messages": [{"role": "user", "content": "a long'));
    expect(scanner.model).toBe('early-bird');
    expect(scanner.error).toBeUndefined();
    expect(scanner.complete).toBe(false);
    scanner.push(Buffer.from(' text"}]}'));
    scanner.end();
    expect(scanner.complete).toBe(true);
  });

  it('names the problem and where it is', () => {
    expect(scan('{"model":"m",}').error).toMatch(/"}" where a key in double quotes should be at byte 13/);
    expect(scan('[1]').error).toMatch(/must be a JSON object/);
    expect(scan('{"model":"m"').error).toMatch(/end of the body before the JSON was complete/);
    expect(scan('').error).toMatch(/empty body/);
  });

  it('refuses a model that is not a string, empty, repeated or huge', () => {
    for (const [body, message] of [
      ['{"model":42}', /not a string/],
      ['{"model":""}', /empty "model"/],
      ['{"model":"a","model":"b"}', /given twice/],
      [`{"model":"${'x'.repeat(600)}"}`, /longer than 512 bytes/],
    ] as const) {
      const scanner = scan(body, 5);
      expect(scanner.error).toMatch(message);
      expect(scanner.modelError).toBe(true);
    }
  });

  it('has no model when there is none, and stays valid', () => {
    const scanner = scan('{"messages":[],"nested":{"model":"inner"}}', 4);
    expect(scanner.error).toBeUndefined();
    expect(scanner.model).toBeUndefined();
  });

  it('survives random bodies: same verdict and model as JSON.parse', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff;
    const pieces = ['{', '}', '[', ']', ',', ':', '"model"', '"m"', '"x\\"y"', '1', '-2.5e3', 'true', 'null', ' ', '"k"', '0', '.', 'e'];
    for (let n = 0; n < 3000; n++) {
      const parts = ['{'];
      const count = 1 + Math.floor(random() * 12);
      for (let k = 0; k < count; k++) parts.push(pieces[Math.floor(random() * pieces.length)]!);
      const text = parts.join('');
      let expected: { valid: boolean; model?: unknown };
      try {
        const value = JSON.parse(text) as Record<string, unknown>;
        expected = { valid: true, model: value.model };
      } catch {
        expected = { valid: false };
      }
      const scanner = scan(text, 1 + Math.floor(random() * 4));
      // A valid body with a non-string or repeated model is refused on purpose: skip those.
      if (expected.valid && scanner.modelError) continue;
      expect({ text, valid: scanner.error === undefined, ...(expected.valid ? { model: scanner.model } : {}) }).toEqual({
        text,
        ...expected,
      });
    }
  });
});
