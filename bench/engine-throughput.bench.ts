import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getLlama, LlamaCompletion, LlamaLogLevel } from 'node-llama-cpp';
import si from 'systeminformation';
import { afterAll, bench, describe } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import { writeTinyGguf } from '../scripts/make-tiny-gguf';

// Tokens per second on the tiny model, side by side in one run:
// - through our engine's HTTP server, streaming (SSE), vs node-llama-cpp in this process with the same
//   options (one thread, text chunks asked for, as the engine asks for them to stream): what is left is
//   our HTTP server's cost per streamed token (the target is at most 0.05 ms). The two alternate round
//   by round, so a busy moment of this noisy machine lands on both;
// - one thread vs the physical core count (the engine's default) vs node-llama-cpp's own default.
//   On this tiny model the work per token is so small that thread synchronisation dominates; a real
//   model moves the balance towards more threads, which is why the engine still defaults to physical.
// Needs the build (out/main/engine.js): npm run build.
const TOKENS = 64;
const THREAD_TOKENS = 16;
const dir = mkdtempSync(path.join(os.tmpdir(), 'llm-bench-engine-'));
const modelPath = path.join(dir, 'tiny.gguf');
writeTinyGguf(modelPath);
const physical = Math.max(1, (await si.cpu()).physicalCores);

const llama = await getLlama({ gpu: false, logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath });
const single = await model.createContext({ contextSize: 1024, threads: 1 });
const tuned = await model.createContext({ contextSize: 1024, threads: physical });
const defaults = await model.createContext({ contextSize: 1024 });
const counts = new Map<string, { tokens: number; ms: number }>();

async function inProcess(name: string, sequence: ReturnType<typeof tuned.getSequence>, maxTokens = TOKENS, chunks = false) {
  const started = performance.now();
  await sequence.clearHistory();
  const completion = new LlamaCompletion({ contextSequence: sequence });
  let tokens = 0;
  await completion.generateCompletion('the model', {
    maxTokens,
    temperature: 0,
    onToken: (t) => void (tokens += t.length),
    ...(chunks ? { onTextChunk: () => undefined } : {}),
  });
  completion.dispose({ disposeSequence: false });
  record(name, tokens, performance.now() - started);
}
const singleSequence = single.getSequence();
const tunedSequence = tuned.getSequence();
const defaultSequence = defaults.getSequence();

const port = await pickPort(29500);
const engine = spawn(
  process.execPath,
  [
    path.join(import.meta.dirname, '..', 'out', 'main', 'engine.js'),
    '--port',
    String(port),
    '--model',
    modelPath,
    '--ctx-size',
    '1024',
    '--threads',
    '1',
  ],
  { stdio: 'ignore' },
);
while (
  !(await fetch(`http://127.0.0.1:${port}/health`).then(
    (r) => r.ok,
    () => false,
  ))
)
  await new Promise((r) => setTimeout(r, 50));

async function overHttp() {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/v1/completions`, {
    method: 'POST',
    body: JSON.stringify({ prompt: 'the model', max_tokens: TOKENS, temperature: 0, stream: true }),
  });
  const text = await response.text();
  // Frames carry text chunks, and a chunk may hold more than one token: the count is what was asked
  // for when the answer ran to the limit (the tiny model never stops early at temperature 0).
  if (!text.includes('"finish_reason":"length"')) throw new Error('the stream did not run to max_tokens');
  record('our HTTP server (SSE)', TOKENS, performance.now() - started);
}

function record(name: string, tokens: number, ms: number) {
  const c = counts.get(name) ?? { tokens: 0, ms: 0 };
  counts.set(name, { tokens: c.tokens + tokens, ms: c.ms + ms });
}

afterAll(async () => {
  engine.kill('SIGTERM');
  const lines = [...counts].map(([name, c]) => `  ${name}: ${((c.tokens * 1000) / c.ms).toFixed(0)} tokens/s`);
  const perToken = (name: string) => counts.get(name)!.ms / counts.get(name)!.tokens;
  const http = perToken('our HTTP server (SSE)');
  const local = perToken('node-llama-cpp in-process, text chunks');
  process.stdout.write(
    `\ntokens per second (tiny model, ${physical} physical cores, ${TOKENS} / ${THREAD_TOKENS} tokens per request):\n${lines.join('\n')}\n` +
      `HTTP cost per streamed token: ${(http - local).toFixed(3)} ms (HTTP/in-process ${(http / local).toFixed(2)}x; target at most 0.05 ms)\n`,
  );
});

describe('generation through HTTP vs in-process', () => {
  // One task doing both in turn: vitest runs each task's iterations back to back.
  bench(
    'our HTTP server (SSE), then node-llama-cpp in-process',
    async () => {
      await overHttp();
      await inProcess('node-llama-cpp in-process, text chunks', singleSequence, TOKENS, true);
    },
    { iterations: 30, time: 0, warmupIterations: 2 },
  );
});

describe('threads', () => {
  bench('1 thread', () => inProcess('threads = 1', singleSequence, THREAD_TOKENS), { iterations: 5, time: 0 });
  bench(`physical cores (${physical})`, () => inProcess(`threads = physical cores (${physical})`, tunedSequence, THREAD_TOKENS), {
    iterations: 5,
    time: 0,
  });
  bench(
    `node-llama-cpp default (${defaults.currentThreads})`,
    () => inProcess(`threads = node-llama-cpp default (${defaults.currentThreads})`, defaultSequence, THREAD_TOKENS),
    {
      iterations: 5,
      time: 0,
    },
  );
});
