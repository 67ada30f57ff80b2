#!/usr/bin/env node
import { isAppError, toAppError } from '../shared/errors';
import { APP_NAME, APP_VERSION } from './app-meta';
import { colours, parse, UsageError } from './cli-args';
import { COMMANDS } from './cli-commands';

// Only light modules here: the table (cli-commands.ts) loads each command's implementation when it runs.

function usage(): string {
  const c = colours();
  const rows = Object.entries(COMMANDS).map(([name, command]) => {
    const head = `  ${name} ${command.usage.startsWith(name) ? command.usage.slice(name.length).trim() : command.usage}`;
    return head.length <= 40 ? `${head.padEnd(42)}${command.summary}` : `${head}\n${' '.repeat(42)}${command.summary}`;
  });
  return `${c.bold(`${APP_NAME} ${APP_VERSION}`)}

Usage: local-llm-manager <command> [options]     (local-llm-manager <command> --help for more)

Commands:
${rows.join('\n')}
  help [<command>]                        This text, or one command's.

Talks to the running host (the desktop app or "serve") when there is one; otherwise does the work
itself under the base directory's lock. Exit codes: 0 ok, 1 failed, 2 bad usage.
--json (where offered) prints JSON for scripts; colour only on a terminal (NO_COLOR turns it off).

Environment: HELIX_LOCAL_LLM_DIR (base directory, default ~/.helixcode/local-llm),
HELIX_LOCAL_LLM_AUTO_START, HELIX_LOCAL_LLM_TIMEOUT, HELIX_LOCAL_LLM_HEALTH_INTERVAL, HELIX_LOCAL_LLM_LOG_LEVEL;
HF_ENDPOINT (Hugging Face hub, default https://huggingface.co) and HF_TOKEN (gated repositories).`;
}

function commandHelp(name: string): string {
  const command = COMMANDS[name]!;
  const line = command.usage.startsWith(name) ? command.usage : `${name} ${command.usage}`;
  return `Usage: local-llm-manager ${line}\n\n${command.summary}${command.details ? `\n\n${command.details}` : ''}`;
}

async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    const about = rest[0];
    if (about !== undefined && !COMMANDS[about]) throw new UsageError(`Unknown command "${about}".`);
    console.log(about ? commandHelp(about) : usage());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(APP_VERSION);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UsageError(`Unknown command "${name}".`);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(commandHelp(name));
    return 0;
  }
  // A mistyped option answers here, before the command's modules load (the command checks the rest).
  parse(name, rest, command.args);
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      const more = error.command ? `local-llm-manager ${error.command} --help` : 'local-llm-manager help';
      console.error(`Error: ${error.message}\nRun "${more}" for usage.`);
      process.exit(2);
    }
    const appError = toAppError(error);
    console.error(`${colours(process.stderr).red('Error:')} ${appError.message}`);
    if (appError.hint) console.error(`Fix: ${appError.hint}`);
    if (!isAppError(error) && error instanceof Error && error.stack) console.error(error.stack);
    process.exit(1);
  },
);
