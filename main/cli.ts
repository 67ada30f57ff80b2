#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { isAppError, toAppError } from '../shared/errors';
import { APP_NAME, APP_VERSION } from './app-meta';
import { colours, parse, printJson, UsageError, withHost, type CliCommand } from './cli-common';
import { backupCommand, exportCommand, restoreCommand } from './cli-backup';
import { completionCommand } from './cli-completion';
import { discoverCommand } from './cli-discover';
import { doctorCommand } from './cli-doctor';
import { formatSettings, formatSystemInfo } from './cli-format';
import { gatewayCommand } from './cli-gateway';
import { cleanupCommand, installCommand, trustCommand, uninstallCommand, updateCommand } from './cli-install';
import { logsCommand } from './cli-logs';
import { MODELS_USAGE, modelsCommand } from './cli-models';
import { restartCommand, shutdownCommand, startCommand, statusCommand, stopCommand } from './cli-providers';
import { DEFAULT_UI_PORT, MIN_EXPOSED_KEY_LENGTH, startHeadlessServer, type HeadlessServer } from './headless';
import { removeHostFile, writeHostFile } from './host-file';
import { createHost, openBaseDir } from './host';
import { applyLogLevelFlag, LOG_LEVEL_HELP } from './cli-log-level';
import { isLoopbackName } from './services/os/loopback';
import { installShutdown } from './shutdown';

/**
 * Every command: name → usage, summary, completion and what it runs. Help, `<command> --help` and
 * the shell completion scripts are made from this table, so a new command is one line here (and
 * its own file, main/cli-<job>.ts).
 */
const COMMANDS: Record<string, CliCommand> = {
  serve: {
    usage: `serve [--host 127.0.0.1 [--expose]] [--port ${DEFAULT_UI_PORT}] [--log-level info]`,
    summary:
      'Run the headless host: the UI over HTTP for a browser, the gateway, the providers. --port 0 picks any free port. ' +
      'A --host beyond loopback also takes --expose and HELIX_LOCAL_LLM_HOST_KEY (its API key, 32+ characters).',
    details: LOG_LEVEL_HELP,
    complete: { flags: ['--host', '--expose', '--port', '--log-level'] },
    run: serve,
  },
  status: statusCommand,
  start: startCommand,
  stop: stopCommand,
  restart: restartCommand,
  shutdown: shutdownCommand,
  install: installCommand,
  update: updateCommand,
  uninstall: uninstallCommand,
  trust: trustCommand,
  cleanup: cleanupCommand,
  logs: logsCommand,
  discover: discoverCommand,
  gateway: gatewayCommand,
  models: {
    usage: 'models search|pull|list|rm …',
    summary: 'Models: search and pull GGUF from the Hugging Face hub, list, delete.',
    details: MODELS_USAGE,
    complete: { subcommands: ['search', 'pull', 'list', 'rm'], flags: ['--json', '--sort', '--limit'] },
    run: (args) => modelsCommand(args, { withHost, usageError: (message) => new UsageError(message, 'models') }),
  },
  doctor: doctorCommand,
  backup: backupCommand,
  restore: restoreCommand,
  export: exportCommand,
  system: {
    usage: 'system [--json]',
    summary: 'This machine: OS, CPU, memory, disk, tools on PATH.',
    complete: { flags: ['--json'] },
    async run(args) {
      const { values } = parse('system', args, { json: { type: 'boolean' } });
      const info = await (await openBaseDir({ readOnly: true })).system.info();
      if (values.json) printJson(info);
      else console.log(formatSystemInfo(info));
      return 0;
    },
  },
  settings: {
    usage: 'settings [--json]',
    summary: 'Effective settings and where each value comes from.',
    complete: { flags: ['--json'] },
    async run(args) {
      const { values } = parse('settings', args, { json: { type: 'boolean' } });
      const state = (await openBaseDir({ readOnly: true })).settings.state();
      if (values.json) printJson(state);
      else console.log(formatSettings(state));
      return 0;
    },
  },
};
COMMANDS.completion = completionCommand(() => COMMANDS);

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
  return command.run(rest);
}

async function serve(args: string[]): Promise<number> {
  const { values } = parse('serve', args, {
    host: { type: 'string' },
    expose: { type: 'boolean' },
    port: { type: 'string' },
    'log-level': { type: 'string' },
  });
  // Beyond loopback takes --expose and a key the user chose (an environment variable: a flag would show in ps).
  const exposed = values.host !== undefined && !isLoopbackName(values.host);
  if (exposed && !values.expose) {
    throw new UsageError(`--host ${values.host} reaches beyond this machine: add --expose to mean it (see docs/security.md).`, 'serve');
  }
  const hostKey = exposed ? process.env.HELIX_LOCAL_LLM_HOST_KEY : undefined;
  if (exposed && (!hostKey || hostKey.length < MIN_EXPOSED_KEY_LENGTH)) {
    throw new UsageError(
      `--expose needs an API key: set HELIX_LOCAL_LLM_HOST_KEY to at least ${MIN_EXPOSED_KEY_LENGTH} characters (e.g. "openssl rand -hex 32").`,
      'serve',
    );
  }
  applyLogLevelFlag(values['log-level'], process.env);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, got "${values.port}".`, 'serve');
  }
  // Takes the base directory's lock first: a second `serve` on the same folder stops here, naming the owner.
  const host = await createHost({ mode: 'headless' });
  const log = host.appLog;
  let server: HeadlessServer | undefined;
  const shutdown = installShutdown({
    log,
    stop: async () => {
      await removeHostFile(host.paths);
      await server?.close();
      await host.close();
      log.write('info', 'stopped: every provider is down');
    },
    hurry: () => host.hurry(),
    killNow: () => host.killAllNow(),
    // The providers' grace period (Settings), and time to stop the servers after it.
    deadlineMs: () => (host.settings.values.stopGraceSec + 30) * 1000,
  });
  try {
    server = await startHeadlessServer({
      rpc: host.rpc,
      staticDir: fileURLToPath(new URL('../renderer', import.meta.url)),
      host: values.host,
      expose: exposed,
      token: hostKey,
      port,
      strictPort: port !== undefined,
    });
  } catch (error) {
    shutdown.dispose();
    await host.close();
    throw error;
  }
  log.write('info', `headless host serving ${host.paths.base} at ${new URL(server.url).origin}`);
  console.log(`${APP_NAME} ${APP_VERSION}: headless host, base directory ${host.paths.base}`);
  for (const problem of host.settings.state().problems) console.log(`Settings problem: ${problem.message} ${problem.hint}`);
  if (
    values['log-level'] &&
    host.settings.state().sources.logLevel === 'saved' &&
    host.settings.values.logLevel !== values['log-level'].toLowerCase()
  )
    console.log(`Note: the log level saved in Settings (${host.settings.values.logLevel}) wins over --log-level.`);
  for (const notice of server.notices) console.log(`Note: ${notice}`);
  const gateway = host.gateway.status();
  if (gateway.url) console.log(`OpenAI-compatible gateway: ${gateway.url}${gateway.apiKey ? ' (API key on the Gateway page)' : ''}`);
  else if (gateway.error) console.log(`Gateway not listening: ${gateway.error.message} ${gateway.error.hint}`);
  if (hostKey) {
    // The key is the user's own and outlives this run: it is not echoed to the terminal.
    console.log('Open this URL in a browser, with your HELIX_LOCAL_LLM_HOST_KEY as the token:');
    console.log(server.url.replace(`token=${hostKey}`, 'token=<HELIX_LOCAL_LLM_HOST_KEY>'));
  } else {
    console.log('Open this URL in a browser (it carries the session token):');
    console.log(server.url);
  }
  await writeHostFile(host.paths, { origin: new URL(server.url).origin, token: server.token, ...host.lock.owner, mode: 'headless' });
  // Runs until a signal: the shutdown stops every provider, then exits the process itself.
  return new Promise<number>(() => undefined);
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
