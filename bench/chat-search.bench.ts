import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { afterAll, bench, describe } from 'vitest';
import { cliPath, freshDirs, spawnHost, type RunningHost } from '../e2e/support/host-process';
import { connectToHeadlessHost } from '../main/transports/ws-client';
import { newChatId, type Turn } from '../shared/chats';

// Finding conversations by what was said in them, as users run it: the host `npm run serve`
// starts (discovery, health checks and sampling running), over the contract the Chat page uses
// (chats.search, chats.list), with CHAT_BENCH_CONVERSATIONS conversations of 40 turns on disk
// (default 2,000, about 55 MB). Beside it, the strongest simple alternative: GNU grep over the
// same folder (`grep -rlFi first-word | xargs grep -lFi second-word`), which says only which files
// have the words, where the host also answers the newest first with each one's name, the message it
// was found by and the words marked. As the Chat page does, the host is first asked for the list
// (every file read: "cold"; the OS has the files in its cache, as grep has), then to search ("the
// first search", what the list read is kept for it), then again ("warm": what typing another word
// costs; only files the OS reports changed are looked at). Medians of CHAT_BENCH_ROUNDS (default
// 15), the queries alternating. Speed is never asserted.
//
// Run: npx vitest bench --run --project unit bench/chat-search.bench.ts (builds the app if stale).
//
// Latest (2026-11-30, this 2-core VM, 2,000 conversations, two runs): the first list 846-878 ms,
// the first search after it 76-80 ms (0.75-0.80x grep), warm 44-49 ms against grep's 57-64 ms
// (1.28-1.29x), the list warm 13-18 ms. Before this bench's changes, in-process on the same files:
// a search 1.2-1.4 s, a list 200-280 ms.

const execFileAsync = promisify(execFile);
const COUNT = Number(process.env.CHAT_BENCH_CONVERSATIONS ?? 2000);
const ROUNDS = Number(process.env.CHAT_BENCH_ROUNDS ?? 15);
const QUERIES = ['xylophone pelican', 'zebra crossing'];
const WORDS = 'the quick brown fox jumps over lazy dog river mountain pelican zebra crossing model token engine answer question'.split(' ');

// As `npm run serve` does: build first when a source is newer than out/ (plain JS, no types).
const buildScript: string = '../scripts/lib/build.mjs';
((await import(buildScript)) as { ensureBuilt(): void }).ensureBuilt();

const dirs = await freshDirs();
const chatsDir = path.join(dirs.baseDir, 'config', 'chats');
await writeConversations();
const host: RunningHost = await spawnHost(process.execPath, [cliPath, 'serve', '--port', '0'], dirs);
const { client, close } = await connectToHeadlessHost(host.origin, host.token);
const times = new Map<string, number[]>();

/** Text that reads like a conversation's, each one's a little different; one in 250 mentions a xylophone. */
async function writeConversations(): Promise<void> {
  await mkdir(chatsDir, { recursive: true });
  const text = (words: number, seed: number) => Array.from({ length: words }, (_, i) => WORDS[(i * 7 + seed) % WORDS.length]).join(' ');
  for (let c = 0; c < COUNT; c++) {
    const id = newChatId();
    const turns: Turn[] = Array.from({ length: 40 }, (_, t) => ({
      role: t % 2 ? 'assistant' : 'user',
      content: `${text(t % 2 ? 180 : 20, c + t)}${c % 250 === 7 && t === 5 ? ' and a xylophone' : ''}`,
    }));
    const at = new Date(Date.now() - c * 60_000).toISOString();
    const file = { version: 1, id, createdAt: at, updatedAt: at, options: { model: 'some-model', system: '', maxTokens: 1024 }, turns };
    await writeFile(path.join(chatsDir, `${id}.json`), JSON.stringify(file));
  }
}

async function timed(name: string, work: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  await work();
  const list = times.get(name) ?? [];
  list.push(performance.now() - start);
  times.set(name, list);
}

function grep(query: string): Promise<unknown> {
  const [first, ...rest] = query.split(' ');
  const pipeline = [`grep -rlFi -- ${first} .`, ...rest.map((word) => `xargs -r grep -lFi -- ${word}`)].join(' | ');
  // grep exits 1 when nothing matches: still an answer.
  return execFileAsync('sh', ['-c', `${pipeline}; true`], { cwd: chatsDir, maxBuffer: 64 * 1024 * 1024 });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

afterAll(async () => {
  close();
  await host.stop('SIGTERM');
  await rm(path.dirname(dirs.baseDir), { recursive: true, force: true });
  const ms = (name: string) => median(times.get(name) ?? [Number.NaN]);
  const row = (name: string) => `  ${name.padEnd(40)} ${ms(name).toFixed(1).padStart(8)} ms`;
  const grepMs = ms('grep (the folder, every word)');
  process.stdout.write(
    [
      '',
      `finding conversations (${COUNT} of 40 turns; the host serve starts, over the contract; medians of ${ROUNDS}):`,
      row('our host: chats.list, cold (first)'),
      row('our host: chats.search, the first'),
      row('our host: chats.search, warm'),
      row('grep (the folder, every word)'),
      row('our host: chats.list, warm'),
      `  warm search vs grep: ${(grepMs / ms('our host: chats.search, warm')).toFixed(2)}× (above 1: ours is faster)`,
      `  first search vs grep: ${(grepMs / ms('our host: chats.search, the first')).toFixed(2)}×`,
      '',
    ].join('\n'),
  );
});

describe('finding conversations, side by side', () => {
  bench(
    `chats.search vs grep, ${COUNT} conversations × ${ROUNDS} rounds`,
    async () => {
      await timed('our host: chats.list, cold (first)', () => client.invoke('chats.list'));
      await timed('our host: chats.search, the first', () => client.invoke('chats.search', { query: QUERIES[0]! }));
      for (let round = 0; round < ROUNDS; round++) {
        const query = QUERIES[round % QUERIES.length]!;
        await timed('our host: chats.search, warm', () => client.invoke('chats.search', { query }));
        await timed('grep (the folder, every word)', () => grep(query));
        await timed('our host: chats.list, warm', () => client.invoke('chats.list'));
      }
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});
