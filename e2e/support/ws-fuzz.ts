import type { z } from 'zod';

/** A small seeded PRNG (mulberry32): the same seed gives the same frames on every machine. */
export function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
export type Rng = ReturnType<typeof seeded>;

/** Top-level field names of a request's input schema, through optional/default/union/pipe wrappers. */
export function fieldsOf(schema: z.ZodType): string[] {
  const found = new Set<string>();
  const walk = (node: unknown, depth: number) => {
    const def = (node as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod?.def;
    if (!def || depth > 8) return;
    if (def.type === 'object') {
      for (const key of Object.keys(def.shape as object)) found.add(key);
      return;
    }
    for (const inner of [def.innerType, def.in, def.schema]) if (inner) walk(inner, depth + 1);
    if (Array.isArray(def.options)) for (const option of def.options) walk(option, depth + 1);
  };
  walk(schema, 0);
  return [...found];
}

/** Builds a nested value `depth` levels deep without recursion. */
function deep(depth: number, asArray: boolean): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

/** Objects whose own keys are prototype names, made by JSON.parse as a hostile peer's frame would be. */
const PROTO_OBJECTS = [
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"toString":1,"valueOf":null,"hasOwnProperty":"x"}',
  '{"__proto__":null}',
  '{"prototype":{},"__defineGetter__":[]}',
];

const STRINGS = [
  '',
  ' ',
  'x',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '1e999',
  'null',
  'true',
  'undefined',
  '..',
  '../../../../etc/passwd',
  'a/b.gguf',
  '..\\..\\x.gguf',
  '.hidden.gguf',
  'model.gguf',
  'C:\\x.gguf',
  '%00',
  '\u0000',
  '\ud800',
  '\uffff',
  '🦙',
  '\u202e',
  'constructor',
  '__proto__',
  'toString',
  'http://',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'ftp://example.invalid/x.gguf',
  'https://example.invalid/x.bin',
  '127.0.0.1:99999',
  '[::1]:0',
  'localhost:-1',
  'a'.repeat(301),
  '0'.repeat(64),
  'g'.repeat(64),
  'llamacpp',
  'ollama',
  'standin',
  'ABC',
  'a b',
  '1m',
  '2h',
  'round-robin',
  '$(reboot)',
  '`id`',
  "'; DROP TABLE x; --",
];

const NUMBERS = [0, -0, -1, 1, 1.5, -0.0001, 2 ** 31, 2 ** 53 + 2, -(2 ** 53) - 2, 1e308, -1e308, 5e-324, 65_536, 100_001, 99_999_999_999];

/** One value of a wrong or hostile kind; big ones are rare so a run stays quick. */
export function junkValue(rng: Rng): unknown {
  const roll = rng.int(100);
  if (roll < 8) return rng.pick([null, true, false]);
  if (roll < 26) return rng.pick(NUMBERS);
  if (roll < 50) return rng.pick(STRINGS);
  if (roll < 58) return Array.from({ length: rng.int(300) }, () => String.fromCharCode(32 + rng.int(95))).join('');
  if (roll < 64) return rng.pick([[], [null], [1, 'a'], [[[]]], Array.from({ length: 50 }, (_, i) => i)]);
  if (roll < 70) return rng.pick([{}, { a: 1 }, { id: {} }, { '': '' }]);
  if (roll < 82) return JSON.parse(rng.pick(PROTO_OBJECTS)) as unknown;
  if (roll < 86) return deep(200 + rng.int(3_000), rng.chance(0.5));
  if (roll < 88) return 'h'.repeat(32 * 1024 + rng.int(64 * 1024));
  if (roll < 90) return Array.from({ length: 2_000 }, () => rng.pick(STRINGS));
  return { [rng.pick(['x', 'extra', '__proto__', 'constructor', 'id', 'type'])]: rng.pick([1, 'x', null, {}]) };
}

/**
 * Candidate params for a method: wrong types, missing fields, extra fields, junk in known fields,
 * prototype keys, or nothing. Some candidates may happen to be valid; the caller filters them
 * out with the method's own schema so that nothing valid (and possibly mutating) is ever sent.
 */
export function candidateParams(rng: Rng, fields: string[]): { params: unknown; omit: boolean } {
  const roll = rng.int(10);
  if (roll === 0) return { params: undefined, omit: true };
  if (roll <= 2 || fields.length === 0) return { params: junkValue(rng), omit: false };
  const params: Record<string, unknown> = {};
  for (const field of fields) {
    if (rng.chance(0.3)) continue; // a missing field
    params[field] = rng.chance(0.15) ? rng.pick(STRINGS) : junkValue(rng);
  }
  if (rng.chance(0.3)) params[rng.pick(['extra', 'ID', 'ids ', 'params', 'constructor', 'toString'])] = junkValue(rng);
  if (rng.chance(0.15)) return { params: { ...(JSON.parse(rng.pick(PROTO_OBJECTS)) as object), ...params }, omit: false };
  return { params, omit: false };
}

/** A frame that is wrong as a frame, before any method sees it: text to send, and whether the host can echo an id. */
export interface JunkFrame {
  text?: string;
  binary?: Buffer;
  /** The id the reply must carry; null when the frame has none a client could use. */
  id: number | null;
  /** The error code the reply must carry. */
  code: 'BAD_MESSAGE' | 'UNKNOWN_METHOD' | 'BAD_REQUEST';
}

export function junkFrame(rng: Rng, nextId: () => number, methods: string[]): JunkFrame {
  const method = rng.pick(methods);
  switch (rng.int(14)) {
    case 0:
      return {
        text: rng.pick(['{', '}', 'NaN', 'undefined', '', ' ', '{"type":"request",', "{'a':1}", '\u0000', '[1,]', '{"id":1}}', 'nul']),
        id: null,
        code: 'BAD_MESSAGE',
      };
    case 1:
      return { text: `{"type":"request","id":${nextId()},"method":"${method}","params":{"id":NaN}}`, id: null, code: 'BAD_MESSAGE' };
    case 2:
      return {
        text: JSON.stringify(rng.pick([42, 'request', null, true, [], [{ type: 'request', id: 1, method }]])),
        id: null,
        code: 'BAD_MESSAGE',
      };
    case 3:
      return { binary: Buffer.from(JSON.stringify({ type: 'request', id: nextId(), method, params: {} })), id: null, code: 'BAD_MESSAGE' };
    case 4:
      return { binary: Buffer.from(Array.from({ length: 1 + rng.int(512) }, () => rng.int(256))), id: null, code: 'BAD_MESSAGE' };
    case 5: {
      const id: unknown = rng.pick([{ n: 1 }, '12', -5, 1.25, 1e300, 2 ** 53, [7], true, null, {}]);
      return { text: JSON.stringify({ type: 'request', id, method, params: {} }), id: null, code: 'BAD_MESSAGE' };
    }
    case 6:
      // A number literal far past any integer: JSON.parse gives a huge double, not a usable id.
      return { text: `{"type":"request","id":${'9'.repeat(20 + rng.int(400))},"method":"${method}"}`, id: null, code: 'BAD_MESSAGE' };
    case 7: {
      const id = nextId();
      return { text: JSON.stringify({ type: rng.pick(['response', 'event', 'REQUEST', '', null]), id, method }), id, code: 'BAD_MESSAGE' };
    }
    case 8: {
      const id = nextId();
      return {
        text: JSON.stringify({ type: 'request', id, method: rng.pick([42, null, {}, [], '', 'x'.repeat(201)]) }),
        id,
        code: 'BAD_MESSAGE',
      };
    }
    case 9: {
      const id = nextId();
      const name = rng.pick([
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        'valueOf',
        'prototype',
        '__defineGetter__',
        'isPrototypeOf',
      ]);
      return { text: JSON.stringify({ type: 'request', id, method: name, params: {} }), id, code: 'UNKNOWN_METHOD' };
    }
    case 10: {
      const id = nextId();
      const name = rng.pick([
        `${method}.x`,
        method.toUpperCase(),
        `${method} `,
        'providers',
        'providers.',
        '.',
        'requests.echo',
        'x'.repeat(200),
      ]);
      return { text: JSON.stringify({ type: 'request', id, method: name, params: {} }), id, code: 'UNKNOWN_METHOD' };
    }
    case 11: {
      const id = nextId();
      return {
        text: `{"type":"request","id":${id},"method":"${method}","params":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
        id,
        code: 'BAD_REQUEST',
      };
    }
    case 12:
      // The id is inherited, not own: JSON cannot express that, so a duplicate key stands in (last wins).
      return { text: `{"type":"request","id":{"id":1},"id":"x","method":"${method}"}`, id: null, code: 'BAD_MESSAGE' };
    default: {
      const id = nextId();
      return { text: `{"__proto__":{"type":"request","method":"${method}"},"id":${id}}`, id, code: 'BAD_MESSAGE' };
    }
  }
}
