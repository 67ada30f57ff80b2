/**
 * Writes a tiny but valid GGUF v3 llama model with seeded random weights, for tests: no model can
 * be downloaded here. SentencePiece-style vocab (control tokens, the 256 <0xXX> byte tokens,
 * printable ASCII and some words), n_embd 64, 2 layers, 2 heads, context 1024, all f32.
 *
 *   npx tsx scripts/make-tiny-gguf.ts <out.gguf> [seed]
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { seededRandom } from './lib/seeded-random';

const enum T {
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
}
const ALIGNMENT = 32;
const GGML_TYPE_F32 = 0;

type Value =
  | { t: T.UINT32 | T.INT32 | T.FLOAT32; v: number }
  | { t: T.BOOL; v: boolean }
  | { t: T.STRING; v: string }
  | { t: T.ARRAY; of: T.STRING; v: string[] }
  | { t: T.ARRAY; of: T.FLOAT32 | T.INT32; v: number[] };

class Writer {
  private chunks: Buffer[] = [];
  size = 0;
  private push(b: Buffer) {
    this.chunks.push(b);
    this.size += b.length;
  }
  u32(n: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.push(b);
  }
  i32(n: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    this.push(b);
  }
  u64(n: number) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.push(b);
  }
  f32(n: number) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(n);
    this.push(b);
  }
  str(s: string) {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  raw(b: Buffer) {
    this.push(b);
  }
  pad(to: number) {
    const rest = this.size % to;
    if (rest) this.push(Buffer.alloc(to - rest));
  }
  value(value: Value) {
    this.u32(value.t);
    switch (value.t) {
      case T.UINT32:
        return this.u32(value.v);
      case T.INT32:
        return this.i32(value.v);
      case T.FLOAT32:
        return this.f32(value.v);
      case T.BOOL:
        return this.raw(Buffer.from([value.v ? 1 : 0]));
      case T.STRING:
        return this.str(value.v);
      case T.ARRAY:
        this.u32(value.of);
        this.u64(value.v.length);
        for (const item of value.v) {
          if (value.of === T.STRING) this.str(item as string);
          else if (value.of === T.FLOAT32) this.f32(item as number);
          else this.i32(item as number);
        }
    }
  }
  buffer() {
    return Buffer.concat(this.chunks);
  }
}

const WORDS = [
  'the',
  'and',
  'hello',
  'world',
  'model',
  'local',
  'llama',
  'test',
  'token',
  'server',
  'is',
  'a',
  'of',
  'to',
  'in',
  'it',
  'you',
  'that',
  'for',
  'on',
];

export function tinyVocab(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
  }
  for (let c = 0x20; c < 0x7f; c++) {
    tokens.push(c === 0x20 ? '\u2581' : String.fromCharCode(c));
    types.push(1);
  }
  for (const word of WORDS) {
    tokens.push(`\u2581${word}`);
    types.push(1);
  }
  const scores = tokens.map((_, i) => (types[i] === 1 ? -i / 10 : 0));
  return { tokens, scores, types };
}

/**
 * A chat template that thinks as DeepSeek R1 and Qwen3 do: the model's thoughts sit in
 * <think>…</think> before its answer, and past answers are sent without them. node-llama-cpp
 * reads thought segments from it, so the engine's reasoning_content can be tested.
 */
export const TINY_THINKING_TEMPLATE =
  "{% for message in messages %}{% if message['role'] == 'assistant' and '<think>' in message['content'] %}{% set content = message['content'].split('</think>')[-1] %}" +
  "{% else %}{% set content = message['content'] %}{% endif %}{{ '<|' + message['role'] + '|>\\n' + content + '<|end|>\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

export interface TinyModelOptions {
  seed?: number;
  embd?: number;
  layers?: number;
  heads?: number;
  contextLength?: number;
  /** A Jinja chat template (tokenizer.chat_template), as real models carry; none by default. */
  chatTemplate?: string;
}

export function makeTinyGguf(options: TinyModelOptions = {}): Buffer {
  const { seed = 42, embd = 64, layers = 2, heads = 2, contextLength = 1024 } = options;
  const ff = embd * 2;
  const { tokens, scores, types } = tinyVocab();
  const nVocab = tokens.length;
  const rand = seededRandom(seed);

  const metadata: Array<[string, Value]> = [
    ['general.architecture', { t: T.STRING, v: 'llama' }],
    ['general.name', { t: T.STRING, v: 'tiny-test-llama' }],
    ['general.file_type', { t: T.UINT32, v: 0 }],
    ['general.alignment', { t: T.UINT32, v: ALIGNMENT }],
    ['llama.context_length', { t: T.UINT32, v: contextLength }],
    ['llama.embedding_length', { t: T.UINT32, v: embd }],
    ['llama.block_count', { t: T.UINT32, v: layers }],
    ['llama.feed_forward_length', { t: T.UINT32, v: ff }],
    ['llama.attention.head_count', { t: T.UINT32, v: heads }],
    ['llama.attention.head_count_kv', { t: T.UINT32, v: heads }],
    ['llama.rope.dimension_count', { t: T.UINT32, v: embd / heads }],
    ['llama.attention.layer_norm_rms_epsilon', { t: T.FLOAT32, v: 1e-5 }],
    ['llama.vocab_size', { t: T.UINT32, v: nVocab }],
    ['tokenizer.ggml.model', { t: T.STRING, v: 'llama' }],
    ['tokenizer.ggml.tokens', { t: T.ARRAY, of: T.STRING, v: tokens }],
    ['tokenizer.ggml.scores', { t: T.ARRAY, of: T.FLOAT32, v: scores }],
    ['tokenizer.ggml.token_type', { t: T.ARRAY, of: T.INT32, v: types }],
    ['tokenizer.ggml.unknown_token_id', { t: T.UINT32, v: 0 }],
    ['tokenizer.ggml.bos_token_id', { t: T.UINT32, v: 1 }],
    ['tokenizer.ggml.eos_token_id', { t: T.UINT32, v: 2 }],
    ['tokenizer.ggml.add_bos_token', { t: T.BOOL, v: true }],
    ['tokenizer.ggml.add_eos_token', { t: T.BOOL, v: false }],
    ...(options.chatTemplate ? [['tokenizer.chat_template', { t: T.STRING, v: options.chatTemplate }] as [string, Value]] : []),
  ];

  // ggml order: ne0 (the contiguous dimension) first.
  const tensors: Array<{ name: string; dims: number[]; fill: 'one' | 'random' }> = [
    { name: 'token_embd.weight', dims: [embd, nVocab], fill: 'random' },
  ];
  for (let i = 0; i < layers; i++) {
    tensors.push(
      { name: `blk.${i}.attn_norm.weight`, dims: [embd], fill: 'one' },
      { name: `blk.${i}.attn_q.weight`, dims: [embd, embd], fill: 'random' },
      { name: `blk.${i}.attn_k.weight`, dims: [embd, embd], fill: 'random' },
      { name: `blk.${i}.attn_v.weight`, dims: [embd, embd], fill: 'random' },
      { name: `blk.${i}.attn_output.weight`, dims: [embd, embd], fill: 'random' },
      { name: `blk.${i}.ffn_norm.weight`, dims: [embd], fill: 'one' },
      { name: `blk.${i}.ffn_gate.weight`, dims: [embd, ff], fill: 'random' },
      { name: `blk.${i}.ffn_up.weight`, dims: [embd, ff], fill: 'random' },
      { name: `blk.${i}.ffn_down.weight`, dims: [ff, embd], fill: 'random' },
    );
  }
  tensors.push({ name: 'output_norm.weight', dims: [embd], fill: 'one' }, { name: 'output.weight', dims: [embd, nVocab], fill: 'random' });

  const w = new Writer();
  w.raw(Buffer.from('GGUF', 'ascii'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(metadata.length);
  for (const [key, value] of metadata) {
    w.str(key);
    w.value(value);
  }
  let offset = 0;
  const datas: Buffer[] = [];
  for (const tensor of tensors) {
    const count = tensor.dims.reduce((a, b) => a * b, 1);
    const data = Buffer.alloc(count * 4);
    for (let i = 0; i < count; i++) data.writeFloatLE(tensor.fill === 'one' ? 1 : (rand() - 0.5) * 0.2, i * 4);
    w.str(tensor.name);
    w.u32(tensor.dims.length);
    for (const d of tensor.dims) w.u64(d);
    w.u32(GGML_TYPE_F32);
    w.u64(offset);
    datas.push(data);
    offset += Math.ceil(data.length / ALIGNMENT) * ALIGNMENT;
  }
  w.pad(ALIGNMENT);
  for (const data of datas) {
    w.raw(data);
    w.pad(ALIGNMENT);
  }
  return w.buffer();
}

export function writeTinyGguf(file: string, options: TinyModelOptions = {}): void {
  writeFileSync(file, makeTinyGguf(options));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [out, seed] = process.argv.slice(2);
  if (!out) {
    console.error('usage: npx tsx scripts/make-tiny-gguf.ts <out.gguf> [seed]');
    process.exit(2);
  }
  writeTinyGguf(out, { seed: seed ? Number(seed) : undefined });
  console.log(`wrote ${out}`);
}
