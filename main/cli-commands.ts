import { fileURLToPath } from 'node:url';
import { UsageError, type CliCommand } from './cli-args';
import { completionCommand } from './cli-completion';
import { MODELS_USAGE, modelsCommand } from './cli-models';
import { DEFAULT_UI_PORT } from './headless-defaults';
import { ARGS } from './cli-options';

/*
 * Every command: name → usage, summary, completion and what it runs. Help, `<command> --help` and
 * the shell completion scripts are made from this table, so a new command is one entry here (and
 * its own file, main/cli-<job>.ts). This module stays light (no services, no packages): each
 * command's implementation is loaded with import() only when it runs, so help, --version, usage
 * errors and completion answer without loading the host.
 */

const LOG_LEVEL_HELP = `--log-level error|warn|info|debug: how much goes to the app log, app.log in the OS log folder (logs/ under HELIX_LOCAL_LLM_DIR; debug: every request too). Like
HELIX_LOCAL_LLM_LOG_LEVEL, it is the default: a level saved in Settings wins over both.`;

function controlCommand(action: 'start' | 'stop' | 'restart'): CliCommand {
  return {
    usage: `${action} <id>... | --all [--json]`,
    summary: {
      start: 'Start providers (waits until healthy). With no host running, one is started in the background first.',
      stop: 'Stop providers (or every one we run, with --all) through the running host; with none, what a killed host left running.',
      restart: 'Restart providers (or every one we run, with --all) through the running host; with none, start them as start does.',
    }[action],
    details:
      action === 'start'
        ? '--all starts every installed provider this machine can run. The background host keeps them running after this\ncommand ends; "local-llm-manager shutdown" stops it and them.'
        : undefined,
    args: ARGS[action],
    complete: { providerIds: true },
    run: (args) => import('./cli-providers').then((m) => m.runControl(action, args)),
  };
}

export const COMMANDS: Record<string, CliCommand> = {
  serve: {
    usage: `serve [--host 127.0.0.1 [--expose]] [--port ${DEFAULT_UI_PORT}] [--log-level info]`,
    summary:
      'Run the headless host: the UI over HTTP for a browser, the gateway, the providers. --port 0 picks any free port. ' +
      'A --host beyond loopback also takes --expose and HELIX_LOCAL_LLM_HOST_KEY (its API key, 32+ characters).',
    details: LOG_LEVEL_HELP,
    args: ARGS.serve,
    // Resolved here, in the entry chunk (out/main/cli.js, which inlines this table) next to out/renderer:
    // the implementation's own chunk sits a folder deeper, in out/main/chunks/.
    run: (args) => import('./cli-serve').then((m) => m.serve(args, fileURLToPath(new URL('../renderer', import.meta.url)))),
  },
  status: {
    usage: 'status [--json]',
    summary: 'Every provider: state, port, PID (from the running host, if any; else what is installed).',
    details: '--json prints { host, providers, problems }: host is the running host (pid, origin, mode) or null.',
    args: ARGS.status,
    run: (args) => import('./cli-providers').then((m) => m.runStatus(args)),
  },
  start: controlCommand('start'),
  stop: controlCommand('stop'),
  restart: controlCommand('restart'),
  shutdown: {
    usage: 'shutdown',
    summary: 'Stop the running headless host and every provider it runs.',
    args: ARGS.shutdown,
    run: (args) => import('./cli-providers').then((m) => m.runShutdown(args)),
  },
  install: {
    usage: 'install <id>...',
    summary: 'Install (clone, build, configure) providers with live progress; through the running host if there is one.',
    args: ARGS.install,
    complete: { providerIds: true },
    run: (args) => import('./cli-install').then((m) => m.runInstall(args)),
  },
  update: {
    usage: 'update <id>... | --all',
    summary: 'Fetch the pinned (or configured) version and rebuild, keeping config; --all updates every installed provider.',
    args: ARGS.update,
    complete: { providerIds: true },
    run: (args) => import('./cli-install').then((m) => m.runUpdate(args)),
  },
  uninstall: {
    usage: 'uninstall <id> [--remove-config]',
    summary: 'Remove data/<id> and bin/<id>.sh (config kept unless asked).',
    args: ARGS.uninstall,
    complete: { providerIds: true },
    run: (args) => import('./cli-install').then((m) => m.runUninstall(args)),
  },
  trust: {
    usage: 'trust <id> [--yes]',
    summary: 'Show what a custom recipe (config/providers.d) runs, and confirm it; nothing of it runs before that, nor after an edit.',
    args: ARGS.trust,
    complete: { providerIds: true },
    run: (args) => import('./cli-install').then((m) => m.runTrust(args)),
  },
  cleanup: {
    usage: 'cleanup',
    summary: 'Remove caches, leftover downloads and unfinished installs.',
    args: ARGS.cleanup,
    run: (args) => import('./cli-install').then((m) => m.runCleanup(args)),
  },
  logs: {
    usage: 'logs <id> [-f] [--since 10m] [-n 200] [--json]',
    summary: "A provider's log (or its install log, <id>-install): the last lines, then new ones with -f.",
    details: [
      '-f, --follow     keep printing new lines until Ctrl-C',
      '--since <when>   only lines from then on: 90s, 10m, 2h, 1d, or a date and time (needs a running host: lines carry times there)',
      '-n, --lines <N>  how many of the last lines (default 200)',
      '--json           one JSON object per line: { seq, at, stream, process?, text }',
      'Without a host, the log file is read (and followed) instead.',
    ].join('\n'),
    args: ARGS.logs,
    complete: { providerIds: true },
    run: (args) => import('./cli-logs').then((m) => m.runLogs(args)),
  },
  discover: {
    usage: 'discover [--json]',
    summary: 'Scan for LLM servers running on this machine (and saved endpoints): what each is, its models, whether we run it.',
    args: ARGS.discover,
    run: (args) => import('./cli-discover').then((m) => m.runDiscover(args)),
  },
  gateway: {
    usage: 'gateway [status|url] [--json]',
    summary: "The running host's OpenAI-compatible gateway: its URL, strategy and routing table; `url` prints the URL alone.",
    details:
      '`gateway url` prints only the base URL (…/v1), for scripts: OPENAI_BASE_URL=$(local-llm-manager gateway url).\nExit code 1 when the gateway is not listening.',
    args: ARGS.gateway,
    complete: { subcommands: ['status', 'url'] },
    run: (args) => import('./cli-gateway').then((m) => m.runGateway(args)),
  },
  chat: {
    usage: 'chat [-m <model>] [--system <text>] [--max-tokens N] [-t T] [-c|--continue | -r|--resume <id>] [<question>...]',
    summary: 'Ask a model through the gateway and stream its answer; with no question on a terminal, a conversation.',
    details: [
      '-m, --model <id>     the model (default: the only one served, or the only one loadable on demand)',
      '--system <text>      a system prompt',
      '--max-tokens <N>     the longest answer, in tokens (1-8192; the provider decides when not given)',
      '-t, --temperature T  how freely words are picked (0-2; 0: the likeliest each time, the same answer to the same question; the provider decides when not given)',
      "-c, --continue       go on with the conversation saved last (the Chat page's or a terminal's), with its model and settings unless named here, and keep what follows in it",
      '-r, --resume <id>    go on with that conversation instead (ids from "chats"), and keep what follows in it',
      'A piped input is the question when none is given, or stands where "-" is: git diff | local-llm-manager chat "Review this:" -',
      'In a conversation: Ctrl-C stops an answer; """ begins and ends a question of several lines (a pasted text); up-arrow recalls; /clear starts over; Ctrl-D or /exit ends. A conversation is kept on the host and listed on the Chat page. With no host running, one is started in the background first, as "start" does.',
    ].join('\n'),
    args: ARGS.chat,
    run: (args) => import('./cli-chat').then((m) => m.runChat(args)),
  },
  chats: {
    usage: 'chats [<words>...] [--json] | --export <id>',
    summary:
      "The conversations kept (the Chat page's and terminals'), newest first; with words, those that have them all, in their name or messages.",
    details: [
      'Words are found in any case, as typed (no patterns); each conversation found shows the message with the most of them.',
      '--json          the list { chats, unreadable }, or with words { query, hits, more, unreadable }',
      '--export <id>   that conversation as Markdown on stdout: chats --export chat-… > notes.md',
      'Go on with one in a terminal: chat --resume <id>. Reads only: works beside a running host, and with none.',
    ].join('\n'),
    args: ARGS.chats,
    run: (args) => import('./cli-chats').then((m) => m.runChats(args)),
  },
  models: {
    usage: 'models search|pull|list|rm …',
    summary: 'Models: search and pull GGUF from the Hugging Face hub, list, delete.',
    details: MODELS_USAGE,
    args: ARGS.models,
    complete: { subcommands: ['search', 'pull', 'list', 'rm'] },
    run: (args) =>
      import('./cli-common').then(({ withHost, listModels }) =>
        modelsCommand(args, { withHost, listModels, usageError: (message) => new UsageError(message, 'models') }),
      ),
  },
  doctor: {
    usage: 'doctor [<id>...] [--json]',
    summary:
      'Check this machine: tools (with the command that installs each), GPUs, the base directory, recipes. Exit 1 when something required is missing.',
    details: [
      'Required: git, and every tool an installed provider (or a provider named here) needs to install or update.',
      'Tools only other providers need are listed as notes. With a host running, the check is the host’s (its PATH).',
    ].join('\n'),
    args: ARGS.doctor,
    complete: { providerIds: true },
    run: (args) => import('./cli-doctor').then((m) => m.runDoctor(args)),
  },
  backup: {
    usage: 'backup [<file>] [--include logs,data,models] [--json]',
    summary: 'Save config/ (settings, custom recipes, providers’ config files) and the list of installed providers to one .tar.gz.',
    details: [
      'Without <file>: local-llm-backup-<time>.tar.gz in the current folder.',
      '--include adds logs/, data/ and/or models/ (streamed from disk; partial downloads and lock files left out; models can be GBs).',
      'Never in it: API keys (config/keys.json, keys.enc stay on this machine; add them again after restoring elsewhere).',
      'Reads only: works beside a running host, and with none.',
    ].join('\n'),
    args: ARGS.backup,
    run: (args) => import('./cli-backup').then((m) => m.runBackup(args)),
  },
  restore: {
    usage: 'restore <file> [--reinstall] [--yes] [--json]',
    summary: 'Put back config/ from a backup: checked through before anything changes; what it replaces is kept aside.',
    details: [
      'Shows what it would add, replace and remove, and asks (--yes does not ask; without a terminal, --yes is needed).',
      'Replaced and removed files go to <base>/config.before-restore-<time>/. API keys and the session are left as they are.',
      '--reinstall then installs the providers the backup lists that are not installed here (and waits for them).',
      'Through the running host if there is one (refused while providers run: stop them first); else under the base directory’s lock.',
      'Exit codes: 0 restored, 1 refused or failed (nothing changed), 2 bad usage.',
    ].join('\n'),
    args: ARGS.restore,
    run: (args) => import('./cli-backup').then((m) => m.runRestore(args)),
  },
  export: {
    usage: 'export helixcode [--write <config.yaml>] [--json]',
    summary: 'HelixCode’s llm.providers block from the installed providers and the gateway: printed, or merged into its config.yaml.',
    details: [
      'Each installed provider is an entry (type: its id, endpoint, models, enabled: true while it runs healthy); the gateway is local_llm_gateway (type openai).',
      '--write merges into the given config.yaml: its other keys, comments and layout stay byte for byte; the old file is kept as <file>.before-export-<time>.',
      'Live states come from the running host; with none, every entry is written with enabled: false.',
    ].join('\n'),
    args: ARGS.export,
    complete: { subcommands: ['helixcode'] },
    run: (args) => import('./cli-backup').then((m) => m.runExport(args)),
  },
  system: {
    usage: 'system [--json]',
    summary: 'This machine: OS, CPU, memory, disk, tools on PATH.',
    args: ARGS.system,
    run: (args) => import('./cli-inspect').then((m) => m.runSystem(args)),
  },
  settings: {
    usage: 'settings [--json]',
    summary: 'Effective settings and where each value comes from.',
    args: ARGS.settings,
    run: (args) => import('./cli-inspect').then((m) => m.runSettings(args)),
  },
};
COMMANDS.completion = completionCommand(() => COMMANDS);
