import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { AppFailure, isAppError } from '../shared/errors';
import type { GatewayStatus } from '../shared/gateway';
import type { OnDemandStatus } from '../shared/on-demand';
import { turnMetaOf, type Turn } from '../shared/chats';
import { SavedConversation, terminalOptions, type Message, type Sampling } from './cli-chat-saving';
import { conversationIdArg } from './cli-chats';
import { colours, noHost, parse, runningHost, UsageError, type Api } from './cli-common';
import { hostGateway, listeningUrl } from './cli-gateway';
import { ARGS } from './cli-options';
import { tryChatThroughGateway } from './services/gateway/try-chat';

/**
 * A chat with a model through the gateway, as any client would have it (routing, load on demand,
 * the gateway's key): one question and its streamed answer, or, on a terminal with no question, a
 * conversation until Ctrl-D or /exit. Ctrl-C stops an answer.
 */
export async function runChat(args: string[]): Promise<number> {
  const { values, positionals } = parse('chat', args, ARGS.chat);
  const sampling = samplingOf(values);
  if (values.continue && values.resume !== undefined) throw new UsageError('Give --continue or --resume <id>, not both.', 'chat');
  if (values.resume !== undefined) conversationIdArg('--resume', values.resume, 'chat');
  const { status, onDemand } = await hostGateway('chatting', true, true);
  const gateway = { url: listeningUrl(status), apiKey: status.apiKey };

  // "-" stands for what is piped in; with no question at all, the pipe is the question.
  const piped = !process.stdin.isTTY && (positionals.length === 0 || positionals.includes('-'));
  const stdin = piped ? await readAll(process.stdin) : '';
  const question = positionals.length ? positionals.map((word) => (word === '-' ? stdin : word)).join(' ') : stdin;
  if (!question.trim() && !process.stdin.isTTY)
    throw new UsageError('Nothing to ask: give the question as arguments, or pipe it in.', 'chat');

  // A conversation (or --continue) is kept on the host, listed on the Chat page; a single question is not.
  const keep = values.continue || values.resume !== undefined || !question.trim();
  const remote = keep ? await runningHost() : undefined;
  // The host hostGateway found (or started) went away meanwhile.
  if (keep && !remote) throw noHost('chatting');
  try {
    const saved = remote && (await conversationFor(remote.client, values, () => onlyModel(status, onDemand), sampling));
    const model = saved?.model ?? values.model ?? onlyModel(status, onDemand);
    const system = saved ? saved.system : values.system;
    // A kept conversation answers as it is saved (and as the Chat page would go on with it).
    const used = saved?.sampling ?? sampling;
    const start: Message[] = [...(system ? [{ role: 'system' as const, content: system }] : []), ...(saved?.history ?? [])];
    if (question.trim()) {
      const asked: Message[] = [...start, { role: 'user', content: question }];
      const { outcome, text, meta } = await answer(gateway, model, asked, used);
      if (outcome === 'done' && saved) await saveOrSay(saved, question, text, meta);
      // As a shell reports a command stopped by Ctrl-C.
      return outcome === 'done' ? 0 : outcome === 'stopped' ? 130 : 1;
    }
    return await converse(gateway, model, start, used, saved!);
  } finally {
    remote?.close();
  }
}

/** The conversation to keep: the one named (--resume), the newest one saved (--continue), or a new one. */
async function conversationFor(
  api: Api,
  values: { model?: string; system?: string; continue?: boolean; resume?: string },
  defaultModel: () => string,
  sampling: Sampling,
): Promise<SavedConversation> {
  if (values.resume !== undefined) {
    try {
      return await SavedConversation.byId(api, values.resume, { model: values.model, system: values.system, sampling });
    } catch (error) {
      if (!(isAppError(error) && error.code === 'NOT_FOUND')) throw error;
      throw new AppFailure({
        code: 'NOT_FOUND',
        message: `There is no conversation ${values.resume}.`,
        hint: 'List them with "local-llm-manager chats" (or find one: "chats <words>").',
      });
    }
  }
  if (values.continue) {
    const newest = await SavedConversation.newest(api, { model: values.model, system: values.system, sampling });
    if (newest) return newest;
    throw new AppFailure({
      code: 'NOT_FOUND',
      message: 'There is no conversation to continue yet.',
      hint: 'Start one without --continue (or on the Chat page).',
    });
  }
  return SavedConversation.fresh(api, terminalOptions(values.model ?? defaultModel(), values.system, sampling));
}

/** Saves an answered question, or says (dimmed, on stderr) why it could not and goes on. */
async function saveOrSay(saved: SavedConversation, question: string, text: string, meta: Turn['meta']): Promise<void> {
  const failed = await saved.save(question, text, meta);
  if (failed) process.stderr.write(`${colours(process.stderr).dim(`(not saved on the Chat page: ${failed})`)}\n`);
}

/**
 * The model to use when none is named: the one the gateway serves, or the one it loads on demand.
 * Several, or none, is an error that lists them or says how to get one.
 */
export function onlyModel(
  status: Pick<GatewayStatus, 'routes'>,
  onDemand: Pick<OnDemandStatus, 'settings' | 'models'> | undefined,
): string {
  const served = status.routes.filter((route) => route.targets.some((t) => t.healthy)).map((route) => route.model);
  const loadable = onDemand?.settings.enabled ? onDemand.models.map((m) => m.id).filter((id) => !served.includes(id)) : [];
  const choices = served.length ? served : loadable;
  if (choices.length === 1) return choices[0]!;
  if (choices.length > 1)
    throw new UsageError(
      `Several models can answer: ${choices.join(', ')}. Name one: local-llm-manager chat --model ${choices[0]} …`,
      'chat',
    );
  throw new AppFailure({
    code: 'NOT_FOUND',
    message: 'No model can answer: no provider serves one, and none is in the models folder to load on demand.',
    hint: 'Pull one (local-llm-manager models search <words>, then models pull <repo>), or start a provider that has one (local-llm-manager start <id>).',
  });
}

type Gateway = { url: string; apiKey?: string };

/** How an answer is sampled, as asked on the command line; absent values are the provider's defaults. */
export function samplingOf(values: { 'max-tokens'?: string; temperature?: string }): Sampling {
  const sampling: Sampling = {};
  if (values['max-tokens'] !== undefined) {
    const maxTokens = Number(values['max-tokens']);
    if (!(Number.isInteger(maxTokens) && maxTokens >= 1 && maxTokens <= 8192))
      throw new UsageError('--max-tokens takes a whole number from 1 to 8192.', 'chat');
    sampling.maxTokens = maxTokens;
  }
  if (values.temperature !== undefined) {
    const temperature = values.temperature.trim() === '' ? NaN : Number(values.temperature);
    if (!(temperature >= 0 && temperature <= 2))
      throw new UsageError('--temperature takes a number from 0 to 2 (0: always the likeliest words, the same answer each time).', 'chat');
    sampling.temperature = temperature;
  }
  return sampling;
}

type Answer = { outcome: 'done' | 'stopped' | 'failed'; text: string; meta?: Turn['meta'] };

/** Streams one answer to stdout (a failure is said on stderr). Ctrl-C stops it, keeping what came. */
async function answer(gateway: Gateway, model: string, messages: Message[], sampling: Sampling): Promise<Answer> {
  const c = colours(process.stderr);
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.on('SIGINT', onInterrupt);
  let wroteNewline = true;
  let thinking = false;
  try {
    const result = await tryChatThroughGateway(
      gateway.url,
      gateway.apiKey,
      { id: randomUUID(), model, messages, ...sampling },
      (delta, reasoning) => {
        // Thinking goes to stderr, dimmed: the answer alone is what a pipe or a file gets.
        if (reasoning) {
          if (!thinking) process.stderr.write(c.dim('Thinking: '));
          thinking = true;
          process.stderr.write(c.dim(delta));
          return;
        }
        if (thinking) process.stderr.write('\n');
        thinking = false;
        process.stdout.write(delta);
        wroteNewline = delta.endsWith('\n');
      },
      stop.signal,
    );
    if (thinking) process.stderr.write('\n');
    if (!wroteNewline) process.stdout.write('\n');
    if (result.cancelled) {
      process.stderr.write(`${c.dim('(stopped)')}\n`);
      return { outcome: 'stopped', text: result.text };
    }
    if (result.finishReason === 'length')
      process.stderr.write(
        `${c.dim(`(cut at the token limit: --max-tokens ${Math.min((sampling.maxTokens ?? 256) * 2, 8192)} for a longer answer)`)}\n`,
      );
    return { outcome: 'done', text: result.text, meta: turnMetaOf(result) };
  } catch (error) {
    if (!wroteNewline) process.stdout.write('\n');
    process.stderr.write(`${c.red('Error:')} ${(error as Error).message}\n`);
    return { outcome: 'failed', text: '' };
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** Question after question, the conversation kept, until Ctrl-D or /exit; /clear starts over. */
async function converse(gateway: Gateway, model: string, start: Message[], sampling: Sampling, saved: SavedConversation): Promise<number> {
  const c = colours(process.stderr);
  let history = [...start];
  let typing: Typing = { typed: [], pending: [] };
  const turnsBefore = start.filter((m) => m.role !== 'system').length;
  process.stderr.write(
    `${c.dim(`Chatting with ${model} through ${gateway.url}${turnsBefore ? `, going on from ${turnsBefore} messages` : ''}; kept on the Chat page. Ctrl-C stops an answer; """ begins and ends a question of several lines; /clear starts over; Ctrl-D or /exit ends.`)}\n`,
  );
  for (;;) {
    const { text: question, ...carried } = await readQuestion(c.bold('> '), typing);
    typing = carried;
    if (question === undefined || question.trim() === '/exit' || question.trim() === '/bye') {
      process.stderr.write('\n');
      return 0;
    }
    if (question.trim() === '/clear') {
      history = start.filter((m) => m.role === 'system');
      saved.restart();
      process.stderr.write(`${c.dim('(a new conversation)')}\n`);
      continue;
    }
    if (!question.trim()) continue;
    const asked: Message[] = [...history, { role: 'user', content: question }];
    const { outcome, text, meta } = await answer(gateway, model, asked, sampling);
    // A failed or stopped answer leaves the question out, so it can be asked again as it was.
    if (outcome === 'done') {
      history = [...asked, { role: 'assistant', content: text }];
      await saveOrSay(saved, question, text, meta);
    }
  }
}

/** What carries from one question to the next: what up-arrow recalls, and lines that came in with the last question. */
type Typing = { typed: string[]; pending: string[] };

/**
 * One question: a line, or (as in Ollama) the lines between """ and """, so a pasted text is one
 * question rather than one per line. Undefined when the user ends the chat (Ctrl-D, or Ctrl-C at
 * the prompt). `typed` is what up-arrow recalls, newest first; `pending`, lines pasted with the
 * last question (several questions at once), asked in turn rather than lost.
 */
async function readQuestion(prompt: string, carried: Typing): Promise<{ text?: string } & Typing> {
  // A fresh prompt each question: while an answer streams the terminal is not in raw mode, so Ctrl-C reaches us as SIGINT.
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true, history: carried.typed, historySize: 200 });
  let recalled = carried.typed;
  rl.on('history', (lines: string[]) => (recalled = lines));
  // Lines are taken from a queue, not asked for one at a time: a pasted text arrives as many lines
  // at once, and a line that comes while no question is pending would otherwise be lost.
  const queued = [...carried.pending];
  let echo = queued.length;
  let closed = false;
  let wake: (() => void) | undefined;
  rl.on('line', (line: string) => (queued.push(line), wake?.()));
  rl.once('close', () => ((closed = true), wake?.()));
  // Ctrl-C at the prompt ends the chat, pasted lines still waiting included.
  rl.once('SIGINT', () => ((queued.length = 0), rl.close()));
  const nextLine = async (): Promise<string | undefined> => {
    while (queued.length === 0 && !closed) await new Promise<void>((resolve) => (wake = resolve));
    return queued.shift();
  };
  try {
    const lines: string[] = [];
    for (;;) {
      const linePrompt = lines.length ? '. ' : prompt;
      // Only when waiting for the user: a line already here (pasted) needs no prompt.
      if (queued.length === 0) {
        rl.setPrompt(linePrompt);
        rl.prompt();
      }
      const line = await nextLine();
      if (line === undefined) return { typed: recalled, pending: [] };
      // A line carried from the last question was shown before that answer: shown again where it is asked.
      if (echo > 0) {
        echo--;
        process.stderr.write(`${linePrompt}${line}\n`);
      }
      lines.push(line);
      const question = questionOf(lines);
      if (question !== undefined) return { text: question, typed: recalled, pending: queued.splice(0) };
    }
  } finally {
    rl.close();
  }
}

/** The question these lines make, or undefined while a """ question is still open. */
export function questionOf(lines: string[]): string | undefined {
  const first = lines[0]!.trimStart();
  if (!first.startsWith('"""')) return lines[0];
  const text = [first.slice(3), ...lines.slice(1)].join('\n');
  return text.trimEnd().endsWith('"""') ? text.trimEnd().slice(0, -3) : undefined;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}
