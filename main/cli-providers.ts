import { setTimeout as sleep } from 'node:timers/promises';
import { AppFailure } from '../shared/errors';
import { runningModels, type RunningModel } from '../shared/on-demand';
import type { CatalogProblem, ProviderState, ProviderSummary } from '../shared/provider';
import type { Alert } from '../shared/resources';
import type { SettingsProblem } from '../shared/settings';
import { formatProviders, formatState } from './cli-format';
import { hostPageUrl } from './host-file';
import { colours, paintStatus, parse, printJson, runningHost, UsageError } from './cli-common';
import { ARGS } from './cli-options';
import { backgroundHost } from './cli-background-host';
import { stopWithoutHost } from './cli-stop-alone';
import { openBaseDir } from './host';
import { locate } from './node-api/connection';
import { providerSnapshot } from './provider-snapshot';
import { isAlive } from './services/os/process-identity';

export async function runStatus(args: string[]): Promise<number> {
  const { values } = parse('status', args, ARGS.status);
  const remote = await runningHost();
  let list: { providers: ProviderSummary[]; problems: CatalogProblem[] };
  // Models the gateway loaded on demand run as processes of their own, under no catalog tile.
  let onDemand: RunningModel[] = [];
  // Such as a base directory chosen in Settings that cannot be used: what this table is of depends on it.
  let settingsProblems: SettingsProblem[] = [];
  // What needs the user now (disk low, a provider failed): what the page's toasts show.
  let alerts: Alert[] = [];
  if (remote) {
    try {
      list = await remote.client.invoke('providers.list');
      // Secondary to the providers: a host that cannot list them still gets its status shown.
      const loadable = await remote.client.invoke('gateway.models').catch(() => undefined);
      onDemand = runningModels(loadable?.models);
      settingsProblems = (await remote.client.invoke('settings.get').catch(() => undefined))?.problems ?? [];
      alerts = (await remote.client.invoke('alerts.active').catch(() => undefined))?.alerts ?? [];
    } finally {
      remote.close();
    }
  } else {
    // Read-only: no host means nothing runs; the folder is read, nothing is started or written.
    const base = await openBaseDir({ readOnly: true });
    list = await providerSnapshot(base);
    settingsProblems = base.settings.state().problems;
  }
  if (values.json) {
    const host = remote ? { pid: remote.info.pid, origin: remote.info.origin, mode: remote.info.mode ?? 'headless' } : null;
    printJson({ host, ...list, onDemand, settingsProblems, alerts });
  } else {
    const c = colours();
    const table = formatProviders(list.providers, list.problems, remote !== undefined, onDemand);
    console.log(c.enabled ? table.replace(/^(\S+\s+)(\S+)/gm, (_, id: string, status: string) => `${id}${paintStatus(status, c)}`) : table);
    // The way back to a page whose token a restart made old, or to a terminal that scrolled away.
    if (remote && (remote.info.mode ?? 'headless') === 'headless') console.log(`Open the UI: ${hostPageUrl(remote.info)}`);
    for (const problem of settingsProblems) console.error(`${c.yellow('Settings problem:')} ${problem.message} ${problem.hint}`);
    for (const alert of alerts) console.error(`${c.yellow('Alert:')} ${alert.title}. ${alert.message}`);
  }
  return 0;
}

/** start, stop and restart: through the running host (start and restart bring one up in the background when none runs). */
export async function runControl(action: 'start' | 'stop' | 'restart', args: string[]): Promise<number> {
  const { values, positionals } = parse(action, args, ARGS[action]);
  if (Boolean(values.all) === positionals.length > 0)
    throw new UsageError(`"${action}" takes provider ids or --all, e.g. "${action} llamacpp" or "${action} --all".`, action);
  let remote = await runningHost();
  if (!remote) {
    if (action === 'stop') return stopWithoutHost(values.all ? 'all' : positionals, Boolean(values.json));
    // A restart of what does not run is a start (as systemctl's and pm2's are); the host that
    // comes up first stops whatever a killed one left running.
    remote = await backgroundHost();
  }
  try {
    const api = remote.client;
    let states: ProviderState[] = [];
    if (values.all && action === 'restart') {
      // Those that ran come back; what was stopped stays stopped.
      for (const stopped of await api.invoke('providers.stopAll')) states.push(await api.invoke('providers.start', { id: stopped.id }));
    } else if (values.all) states = await api.invoke(action === 'start' ? 'providers.startAll' : 'providers.stopAll');
    else for (const id of positionals) states.push(await api.invoke(`providers.${action}`, { id }));
    if (values.json) printJson({ host: { pid: remote.info.pid, origin: remote.info.origin }, states });
    else if (states.length === 0)
      console.log(action === 'start' ? 'Nothing to start: no installed provider can run here.' : 'Nothing was running.');
    else for (const state of states) console.log(formatState(state).replace(state.status, paintStatus(state.status)));
    return states.some((s) => s.status === 'failed') ? 1 : 0;
  } finally {
    remote.close();
  }
}

export async function runShutdown(args: string[]): Promise<number> {
  parse('shutdown', args, ARGS.shutdown);
  const { paths, host } = await locate();
  if (!host) {
    console.log('No host is running for this base directory.');
    return 0;
  }
  if (host.mode === 'desktop')
    throw new AppFailure({
      code: 'CONFLICT',
      message: 'The desktop app owns this base directory.',
      hint: 'Quit it from its menu or tray icon.',
    });
  // A signal would end the script before its close(), leaving its providers running.
  if (host.mode === 'script')
    throw new AppFailure({
      code: 'CONFLICT',
      message: `A script using the Node API (pid ${host.pid}) runs the host for this base directory.`,
      hint: 'End it from the script: its close() stops the providers it runs.',
    });
  process.kill(host.pid, 'SIGTERM');
  // The host stops its providers first (their grace period), then exits and removes host.json.
  const deadline = performance.now() + 5 * 60_000;
  while (performance.now() < deadline && (await isAlive(host))) await sleep(200);
  if (await isAlive(host))
    throw new AppFailure({ code: 'TIMEOUT', message: `The host (pid ${host.pid}) is still stopping.`, hint: `See ${paths.logs}.` });
  console.log(`Stopped the host (pid ${host.pid}) and its providers.`);
  return 0;
}
