import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import { writeTinyGguf } from '../scripts/make-tiny-gguf';

// A conversation with the built-in engine, turn after turn, as a chat client sends it (the whole
// history every time), side by side in one run:
// - the engine as it is: each request goes to the sequence whose cache holds most of its prompt,
//   and node-llama-cpp evaluates only what differs (the new turn);
// - the same engine with llama-server's `cache_prompt: false` on every request: the whole prompt
//   evaluated again each turn, which is what every request cost before the cache (and what any
//   server without one costs). llama-server itself caches by default; it cannot be installed here.
// Two engine processes, one per side, so one side's requests never touch the other's cache; the
// turns alternate which side goes first. The model is the generator's at 4M parameters (embd 256,
// 6 layers), large enough that evaluating a prompt costs what it costs with real models, relative
// to everything else a request does. Each side is timed to the whole answer (16 tokens, greedy).
// Needs the build (out/main/engine.js): npm run build.
//
// Latest (2026-11-30, this 2-core VM, one thread each): 12 turns from 2,804 to 4,057 prompt tokens;
// the first turn the same both ways (1.38 vs 1.34 s, nothing cached yet), then 150-210 ms a turn
// with the cache against 1.33-2.14 s without (7.8x on the second turn, 10.2x on the twelfth, 6.0x
// over the whole conversation), usage reporting 2,804-3,957 tokens cached, the same answers both ways.
const TURNS = 12;
const ANSWER_TOKENS = 16;
const SYSTEM = Array.from({ length: 60 }, (_, i) => `Rule ${i}: answer briefly and stay on the topic`).join('. ');
const dir = mkdtempSync(path.join(os.tmpdir(), 'llm-bench-cache-'));
const modelPath = path.join(dir, 'small.gguf');
writeTinyGguf(modelPath, { embd: 256, layers: 6, heads: 4, contextLength: 8192 });

const children: ChildProcess[] = [];
async function startEngine(): Promise<string> {
  const port = await pickPort(29600 + Math.floor(Math.random() * 300));
  const engine = path.join(import.meta.dirname, '..', 'out', 'main', 'engine.js');
  children.push(
    spawn(process.execPath, [engine, '--port', String(port), '--model', modelPath, '--ctx-size', '8192', '--threads', '1'], {
      stdio: 'ignore',
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  while (
    !(await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    ))
  )
    await new Promise((r) => setTimeout(r, 50));
  return url;
}
const cachedEngine = await startEngine();
const uncachedEngine = await startEngine();
afterAll(() => children.forEach((child) => child.kill()));

type Message = { role: 'system' | 'user' | 'assistant'; content: string };
interface Turn {
  ms: number;
  promptTokens: number;
  cachedTokens: number;
  content: string;
}

async function ask(url: string, messages: Message[], cachePrompt: boolean): Promise<Turn> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages, max_tokens: ANSWER_TOKENS, temperature: 0, cache_prompt: cachePrompt }),
  });
  const body = (await response.json()) as {
    choices: Array<{ message: { content: string } }>;
    usage: { prompt_tokens: number; prompt_tokens_details: { cached_tokens: number } };
  };
  return {
    ms: performance.now() - started,
    promptTokens: body.usage.prompt_tokens,
    cachedTokens: body.usage.prompt_tokens_details.cached_tokens,
    content: body.choices[0]!.message.content,
  };
}

const rows: Array<{ turn: number; cached: Turn; uncached: Turn }> = [];

describe('a conversation, turn by turn: prompt cache vs the whole prompt again', () => {
  bench(
    `${TURNS} turns`,
    async () => {
      const history: Message[] = [{ role: 'system', content: SYSTEM }];
      for (let turn = 0; turn < TURNS; turn++) {
        history.push({
          role: 'user',
          content: `Question ${turn}: tell me about item ${turn} of the list, and how it relates to the others.`,
        });
        const sides = [() => ask(cachedEngine, history, true), () => ask(uncachedEngine, history, false)];
        const [first, second] = turn % 2 === 0 ? [sides[0]!, sides[1]!] : [sides[1]!, sides[0]!];
        const a = await first();
        const b = await second();
        const [cached, uncached] = turn % 2 === 0 ? [a, b] : [b, a];
        rows.push({ turn, cached, uncached });
        history.push({ role: 'assistant', content: cached.content });
      }
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});

afterAll(() => {
  const sum = (pick: (row: (typeof rows)[number]) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const lines = ['', 'turn  prompt tokens  cached   with cache   without   ratio'];
  for (const { turn, cached, uncached } of rows)
    lines.push(
      `${String(turn + 1).padStart(4)}  ${String(cached.promptTokens).padStart(13)}  ${String(cached.cachedTokens).padStart(6)}  ${cached.ms.toFixed(0).padStart(9)} ms  ${uncached.ms.toFixed(0).padStart(6)} ms  ${(uncached.ms / cached.ms).toFixed(1).padStart(5)}x`,
    );
  const same = rows.every((row) => row.cached.content === row.uncached.content);
  lines.push(
    `whole conversation: ${sum((r) => r.cached.ms).toFixed(0)} ms with the cache, ${sum((r) => r.uncached.ms).toFixed(0)} ms without: ${(sum((r) => r.uncached.ms) / sum((r) => r.cached.ms)).toFixed(1)}x`,
    `last turn: ${(rows.at(-1)!.uncached.ms / rows.at(-1)!.cached.ms).toFixed(1)}x; the same answers both ways: ${same ? 'yes' : 'NO'}`,
  );
  console.log(lines.join('\n'));
});
