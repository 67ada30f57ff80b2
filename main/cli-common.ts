import { parseArgs } from 'node:util';
import type { Contract } from '../shared/contract';
import { AppFailure } from '../shared/errors';
import type { RpcClient } from '../shared/rpc/client';
import { connect, locate } from './node-api/connection';
import { connectToHeadlessHost } from './transports/ws-client';

/** A command of the CLI: what `help` lists, what `<command> --help` prints, what completion offers. */
export interface CliCommand {
  /** One line (or a few) for the overview, after the command name: arguments and options. */
  usage: string;
  /** What it does, in a sentence. */
  summary: string;
  /** More for `<command> --help`: options, examples. */
  details?: string;
  /** Its subcommands and options, for shell completion. */
  complete?: { subcommands?: string[]; flags?: string[]; providerIds?: boolean };
  run(args: string[]): Promise<number>;
}

/** Bad arguments: printed with a pointer to the usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage applies. */
    readonly command?: string,
  ) {
    super(message);
  }
}

export type Api = Pick<RpcClient<Contract>, 'invoke' | 'on'>;

type Options = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** node:util parseArgs, strict, its errors as usage errors. */
export function parse<T extends Options>(command: string, args: string[], options: T, allowPositionals = false) {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals, strict: true });
    return { values, positionals: positionals as string[] };
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}

/**
 * Colour for people, none for pipes and files: only on a TTY, never with NO_COLOR set (no-color.org)
 * or TERM=dumb; FORCE_COLOR turns it on anyway.
 */
export function colours(stream: NodeJS.WriteStream = process.stdout) {
  const env = process.env;
  const on = env.FORCE_COLOR
    ? env.FORCE_COLOR !== '0'
    : Boolean(stream.isTTY) && !('NO_COLOR' in env && env.NO_COLOR !== '') && env.TERM !== 'dumb';
  const paint = (open: number, close: number) => (text: string) => (on ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return {
    enabled: on,
    bold: paint(1, 22),
    dim: paint(2, 22),
    red: paint(31, 39),
    green: paint(32, 39),
    yellow: paint(33, 39),
    cyan: paint(36, 39),
  };
}

/** A status word in the colour it deserves. */
export function paintStatus(status: string, c = colours()): string {
  if (status === 'running' || status === 'ok' || status === 'done') return c.green(status);
  if (status === 'failed' || status === 'unhealthy' || status === 'missing' || status === 'too-old') return c.red(status);
  if (status === 'starting' || status === 'stopping' || status === 'installing' || status === 'external') return c.yellow(status);
  return status;
}

/** The headless host or desktop app running for this base directory, if any, connected. */
export async function runningHost() {
  const { host } = await locate();
  if (!host) return undefined;
  const remote = await connectToHeadlessHost(host.origin, host.token).catch(() => undefined);
  return remote && { ...remote, info: host };
}

/**
 * Runs `work` against the running host when there is one (so its UI shows the progress), else
 * against a host started in this process for the duration: under the base directory's lock (a host
 * starting meanwhile refuses), with nothing listening and nothing auto-started. The same contract
 * either way (over the WebSocket, or in memory): one code path for both.
 */
export async function withHost<T>(work: (api: Api) => Promise<T>): Promise<T> {
  const connection = await connect({ runtime: 'tasks' });
  try {
    return await work(connection.api);
  } finally {
    await connection.close();
  }
}

/** A host is needed (following a log live, the gateway): none runs, so say how to start one. */
export function noHost(what: string): AppFailure {
  return new AppFailure({
    code: 'NOT_FOUND',
    message: `No Local LLM Manager host is running for this base directory, and ${what} needs one.`,
    hint: 'Start one with "local-llm-manager serve" (or open the desktop app), then try again.',
  });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
