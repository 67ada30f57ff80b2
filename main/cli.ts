#!/usr/bin/env node
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { AppFailure, isAppError, toAppError } from '../shared/errors';
import type { CatalogProblem, ProviderSummary } from '../shared/provider';
import { APP_NAME, APP_VERSION } from './app-meta';
import { formatProviders, formatRecipeCommands, formatSettings, formatState, formatSystemInfo } from './cli-format';
import { DEFAULT_UI_PORT, startHeadlessServer, type HeadlessServer } from './headless';
import { createHost, defaultAppConfigDir, openBaseDir } from './host';
import { providerSnapshot } from './provider-snapshot';
import { AppLog, appLogFile } from './services/logs/app-log';
import { installShutdown } from './shutdown';
import { readHostFile, removeHostFile, writeHostFile } from './host-file';
import { pathsFor, resolveBaseDir } from './services/base-dir/paths';
import { connectToHeadlessHost } from './transports/ws-client';
import { installPrinter, waitForRuns } from './cli-install';
import type { InstallRun } from '../shared/install';
import type { Contract } from '../shared/contract';
import { RpcClient } from '../shared/rpc/client';
import { createMemoryPair } from '../shared/rpc/memory';
import { MODELS_USAGE, modelsCommand } from './cli-models';

const USAGE = `${APP_NAME} ${APP_VERSION}

Usage: local-llm-manager <command> [options]

Commands:
  serve [--host 127.0.0.1] [--port ${DEFAULT_UI_PORT}]   Run the headless host: the UI over HTTP for a browser.
                                          --port 0 picks any free port.
  status [--json]                         Every provider: state, port, PID (from the running host, if any).
  start <id> | stop <id> | restart <id>   Control a provider through the running headless host.
  install <id>... | update <id>           Install (clone, build, configure) or update providers, with live
                                          progress; through the running host if there is one.
  uninstall <id> [--remove-config]        Remove data/<id> and bin/<id>.sh (config kept unless asked).
  trust <id> [--yes]                      Show what a custom recipe (config/providers.d) runs, and confirm it;
                                          nothing of a custom recipe runs before that, nor after an edit.
  cleanup                                 Remove caches, leftover downloads and unfinished installs.
  system [--json]                         This machine: OS, CPU, memory, disk, tools on PATH.
  settings [--json]                       Effective settings and where each value comes from.
${MODELS_USAGE}
  help                                    This text.

Environment: HELIX_LOCAL_LLM_DIR (base directory, default ~/.helixcode/local-llm),
HELIX_LOCAL_LLM_AUTO_START, HELIX_LOCAL_LLM_TIMEOUT, HELIX_LOCAL_LLM_HEALTH_INTERVAL;
HF_ENDPOINT (Hugging Face hub, default https://huggingface.co) and HF_TOKEN (gated repositories).`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'status':
      return status(rest);
    case 'start':
    case 'stop':
    case 'restart':
      return control(command, rest);
    case 'install':
    case 'update':
      return install(command, rest);
    case 'uninstall': {
      const { values, positionals } = parse(rest, { 'remove-config': { type: 'boolean' } }, true);
      if (positionals.length !== 1) throw new UsageError('"uninstall" takes exactly one provider id.');
      const removed = await withHost((api) =>
        api.invoke('install.uninstall', { id: positionals[0]!, keepConfig: !values['remove-config'] }),
      );
      console.log(removed.removed.length ? `Removed:\n  ${removed.removed.join('\n  ')}` : 'Nothing to remove.');
      return 0;
    }
    case 'trust':
      return trust(rest);
    case 'models':
      return modelsCommand(rest, { withHost, usageError: (message) => new UsageError(message) });
    case 'cleanup': {
      const report = await withHost((api) => api.invoke('install.cleanup'));
      for (const item of report.removed)
        console.log(`  ${(item.bytes / 1024 / 1024).toFixed(1).padStart(8)} MB  ${item.path} (${item.why})`);
      console.log(`Freed ${(report.freedBytes / 1024 / 1024).toFixed(1)} MB.`);
      return 0;
    }
    case 'system': {
      const { values } = parse(rest, { json: { type: 'boolean' } });
      const info = await (await openBaseDir({ readOnly: true })).system.info();
      console.log(values.json ? JSON.stringify(info, null, 2) : formatSystemInfo(info));
      return 0;
    }
    case 'settings': {
      const { values } = parse(rest, { json: { type: 'boolean' } });
      const state = (await openBaseDir({ readOnly: true })).settings.state();
      console.log(values.json ? JSON.stringify(state, null, 2) : formatSettings(state));
      return 0;
    }
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    case '--version':
    case '-v':
      console.log(APP_VERSION);
      return 0;
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

async function serve(args: string[]): Promise<number> {
  const { values } = parse(args, { host: { type: 'string' }, port: { type: 'string' } });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, got "${values.port}".`);
  }
  // Takes the base directory's lock first: a second `serve` on the same folder stops here, naming the owner.
  const host = await createHost({ mode: 'headless' });
  const log = new AppLog(appLogFile(host.paths));
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
  for (const notice of server.notices) console.log(`Note: ${notice}`);
  const gateway = host.gateway.status();
  if (gateway.url) console.log(`OpenAI-compatible gateway: ${gateway.url}${gateway.apiKey ? ' (API key on the Gateway page)' : ''}`);
  else if (gateway.error) console.log(`Gateway not listening: ${gateway.error.message} ${gateway.error.hint}`);
  console.log('Open this URL in a browser (it carries the session token):');
  console.log(server.url);
  await writeHostFile(host.paths, { origin: new URL(server.url).origin, token: server.token, ...host.lock.owner, mode: 'headless' });
  // Runs until a signal: the shutdown stops every provider, then exits the process itself.
  return new Promise<number>(() => undefined);
}

/** The headless host running for this base directory, if any, connected. */
async function runningHost() {
  const locationFile = path.join(defaultAppConfigDir(), 'location.json');
  const paths = pathsFor((await resolveBaseDir({ env: process.env, locationFile })).path);
  const info = await readHostFile(paths);
  if (!info) return undefined;
  return connectToHeadlessHost(info.origin, info.token).catch(() => undefined);
}

async function status(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  const remote = await runningHost();
  let list: { providers: ProviderSummary[]; problems: CatalogProblem[] };
  if (remote) {
    list = await remote.client.invoke('providers.list');
    remote.close();
  } else {
    // Read-only: no host means nothing runs; the folder is read, nothing is started or written.
    list = await providerSnapshot(await openBaseDir({ readOnly: true }));
  }
  if (values.json) console.log(JSON.stringify(list, null, 2));
  else console.log(formatProviders(list.providers, list.problems, remote !== undefined));
  return 0;
}

async function control(command: 'start' | 'stop' | 'restart', args: string[]): Promise<number> {
  const { positionals } = parse(args, {}, true);
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError(`"${command}" takes exactly one provider id, e.g. "${command} llamacpp".`);
  const remote = await runningHost();
  if (!remote) {
    throw new AppFailure({
      code: 'NOT_FOUND',
      message: 'No Local LLM Manager host is running for this base directory.',
      hint: 'Start one with "local-llm-manager serve" (or "npm run serve"), then try again.',
    });
  }
  try {
    const state = await remote.client.invoke(`providers.${command}`, { id });
    console.log(formatState(state));
    return state.status === 'failed' ? 1 : 0;
  } finally {
    remote.close();
  }
}

/**
 * Runs `work` against the running headless host when there is one (so its UI shows the progress),
 * else against a host started in this process for the duration.
 */
async function withHost<T>(
  work: (api: { invoke: RpcClient<Contract>['invoke']; on: RpcClient<Contract>['on'] }) => Promise<T>,
): Promise<T> {
  const remote = await runningHost();
  if (remote) {
    try {
      return await work(remote.client);
    } finally {
      remote.close();
    }
  }
  // No host: this command does the work itself, under the base directory's lock (so a host that
  // starts meanwhile refuses), with nothing listening and nothing auto-started.
  const host = await createHost({ mode: 'headless', runtime: 'tasks' });
  // The same contract as over the wire, in memory: one code path for both cases.
  const [clientSide, serverSide] = createMemoryPair();
  host.rpc.connect(serverSide, { via: 'memory', connectionId: 'cli' });
  const local = new RpcClient<Contract>(clientSide, { timeoutMs: 24 * 3600_000 });
  try {
    return await work(local);
  } finally {
    local.close();
    await host.close();
  }
}

async function install(command: 'install' | 'update', args: string[]): Promise<number> {
  const { positionals } = parse(args, {}, true);
  if (positionals.length === 0 || (command === 'update' && positionals.length > 1)) {
    throw new UsageError(
      command === 'install' ? '"install" takes one or more provider ids, e.g. "install vllm localai".' : '"update" takes one provider id.',
    );
  }
  const runs = await withHost(async (api) => {
    const print = installPrinter();
    // Listen before starting, so no event is missed; aliases (koboldai) resolve to the ids the runs carry.
    const seen: InstallRun[] = [];
    const stopSeeing = api.on('install.progress', (run) => (print(run), seen.push(run)));
    const started =
      command === 'install'
        ? await api.invoke('install.start', { ids: positionals })
        : [await api.invoke('install.update', { id: positionals[0]! })];
    started.forEach(print);
    return waitForRuns(
      started.map((r) => r.providerId),
      (listener) => {
        stopSeeing();
        seen.forEach(listener);
        return api.on('install.progress', (run) => (print(run), listener(run)));
      },
    );
  });
  return runs.every((r) => r.status === 'done') ? 0 : 1;
}

async function trust(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { yes: { type: 'boolean', short: 'y' } }, true);
  if (positionals.length !== 1) throw new UsageError('"trust" takes exactly one provider id, e.g. "trust my-server".');
  return withHost(async (api) => {
    const commands = await api.invoke('providers.commands', { id: positionals[0]! });
    console.log(formatRecipeCommands(commands));
    if (commands.trusted) {
      console.log(commands.origin === 'builtin' ? 'A built-in recipe: nothing to confirm.' : 'Already confirmed as it is.');
      return 0;
    }
    const confirmed = values.yes || (await askYesNo('Run these commands on this machine when it is installed or started? [y/N] '));
    if (!confirmed) {
      console.log(
        process.stdin.isTTY ? 'Not confirmed: nothing changed.' : 'Not confirmed: run again with --yes to confirm these commands.',
      );
      return 1;
    }
    await api.invoke('providers.trust', { id: commands.id, hash: commands.hash });
    console.log(`Confirmed: ${commands.name} may now be installed and started.`);
    return 0;
  });
}

/** A yes/no question on a terminal; no terminal (a script, a pipe) never says yes. */
async function askYesNo(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function parse<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`Error: ${error.message}\nRun "local-llm-manager help" for usage.`);
      process.exit(2);
    }
    const appError = toAppError(error);
    console.error(`Error: ${appError.message}`);
    if (appError.hint) console.error(`Fix: ${appError.hint}`);
    if (!isAppError(error) && error instanceof Error && error.stack) console.error(error.stack);
    process.exit(1);
  },
);
