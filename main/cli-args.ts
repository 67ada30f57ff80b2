import { parseArgs } from 'node:util';

/**
 * The CLI's light part: what the command table, help and argument checks need. It imports no
 * service, so `--help`, `--version` and usage errors answer without loading the host.
 */

/** A command of the CLI: what `help` lists, what `<command> --help` prints, what completion offers. */
export interface CliCommand {
  /** One line (or a few) for the overview, after the command name: arguments and options. */
  usage: string;
  /** What it does, in a sentence. */
  summary: string;
  /** More for `<command> --help`: options, examples. */
  details?: string;
  /** Its options and whether it takes positionals (cli-options.ts): checked before `run` loads anything; completion offers the options. */
  args: ArgsSpec;
  /** Its subcommands, and whether provider ids follow, for shell completion. */
  complete?: { subcommands?: string[]; providerIds?: boolean };
  /** Its work: the table loads the implementation with import() here, so listing commands loads none. */
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

export type Options = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** The options as a shell types them: --name, and -x where there is a short form. */
export function flagsOf(options: Options): string[] {
  return Object.entries(options).flatMap(([name, option]) => [`--${name}`, ...(option.short ? [`-${option.short}`] : [])]);
}

/** What a command takes: its options, and whether positional arguments may follow. */
export interface ArgsSpec {
  options: Options;
  positionals: boolean;
}

/** node:util parseArgs, strict, its errors as usage errors. */
export function parse<T extends Options>(command: string, args: string[], spec: { options: T; positionals: boolean }) {
  try {
    const { values, positionals } = parseArgs({ args, options: spec.options, allowPositionals: spec.positionals, strict: true });
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
