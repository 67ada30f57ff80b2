import type { ArgsSpec, Options } from './cli-args';

const flag = { type: 'boolean' } as const;
const value = { type: 'string' } as const;
const json = { json: flag } as const;
const control = { all: flag, json: flag } as const;
const takes = <const T extends Options>(options: T) => ({ options, positionals: true as const });
const only = <const T extends Options>(options: T) => ({ options, positionals: false as const });

/**
 * Every command's options, as node:util parseArgs takes them, and whether it takes positional
 * arguments: each command parses its arguments with its own entry, the CLI checks them against it
 * before loading the command (a mistyped option answers at once, not after the command's modules
 * load), and completion offers the options. A command with subcommands lists the options of all
 * of them; each subcommand takes its share.
 */
export const ARGS = {
  serve: only({ host: value, expose: flag, port: value, 'log-level': value }),
  status: only(json),
  start: takes(control),
  stop: takes(control),
  restart: takes(control),
  shutdown: only({}),
  install: takes({}),
  update: takes({ all: flag }),
  uninstall: takes({ 'remove-config': flag }),
  trust: takes({ yes: { type: 'boolean', short: 'y' } }),
  cleanup: only({}),
  logs: takes({ follow: { type: 'boolean', short: 'f' }, since: value, lines: { type: 'string', short: 'n' }, json: flag }),
  discover: only(json),
  gateway: takes(json),
  chat: takes({
    model: { type: 'string', short: 'm' },
    system: value,
    'max-tokens': value,
    temperature: { type: 'string', short: 't' },
    continue: { type: 'boolean', short: 'c' },
    resume: { type: 'string', short: 'r' },
  }),
  chats: takes({ json: flag, export: value }),
  models: takes({ json: flag, sort: value, limit: value }),
  doctor: takes(json),
  backup: takes({ include: value, json: flag }),
  restore: takes({ reinstall: flag, yes: { type: 'boolean', short: 'y' }, json: flag }),
  export: takes({ write: value, json: flag }),
  system: only(json),
  settings: only(json),
  completion: takes({}),
} as const satisfies Record<string, ArgsSpec>;
