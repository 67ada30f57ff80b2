import { STARTABLE, type ProviderState, type ProviderStatus, type ProviderSummary } from '../../shared/provider';

// What the tray shows, computed without Electron so it can be tested under plain Node.

/** ok: something runs and nothing is wrong; warn: something is unhealthy or failed; idle: nothing runs. */
export type OverallState = 'ok' | 'warn' | 'idle';

const PROBLEM: readonly ProviderStatus[] = ['unhealthy', 'failed'];
/** Serving or about to: what "something runs" means for the icon. */
const UP: readonly ProviderStatus[] = ['running', 'starting', 'external'];
/** Stop acts on these (not `stopping`, which is already on its way). */
const STOPPABLE: readonly ProviderStatus[] = ['starting', 'running', 'unhealthy'];

export function overallState(states: readonly ProviderState[]): OverallState {
  if (states.some((s) => PROBLEM.includes(s.status))) return 'warn';
  if (states.some((s) => UP.includes(s.status))) return 'ok';
  return 'idle';
}

const STATUS_WORDS: Record<ProviderStatus, string> = {
  'not-installed': 'not installed',
  installing: 'installing',
  installed: 'installed',
  starting: 'starting',
  running: 'running',
  unhealthy: 'unhealthy',
  failed: 'failed',
  stopping: 'stopping',
  stopped: 'stopped',
  external: 'external',
};

/** "Local LLM Manager — 2 running, 1 failed, 1 model loaded": counts of what is worth a glance. */
export function trayTooltip(states: readonly ProviderState[], modelsLoaded = 0): string {
  const count = (wanted: readonly ProviderStatus[]) => states.filter((s) => wanted.includes(s.status)).length;
  const parts = [
    [count(['running', 'external']), 'running'],
    [count(['starting']), 'starting'],
    [count(['unhealthy']), 'unhealthy'],
    [count(['failed']), 'failed'],
  ] as const;
  const shown = parts.filter(([n]) => n > 0).map(([n, word]) => `${n} ${word}`);
  if (modelsLoaded > 0) shown.push(`${modelsLoaded} model${modelsLoaded === 1 ? '' : 's'} loaded`);
  return `Local LLM Manager — ${shown.length > 0 ? shown.join(', ') : 'nothing running'}`;
}

export interface TrayProviderItem {
  id: string;
  /** "Ollama — running :11434" */
  label: string;
  canStart: boolean;
  canStop: boolean;
}

export interface TrayModel {
  overall: OverallState;
  tooltip: string;
  providers: TrayProviderItem[];
  canStartAll: boolean;
  canStopAll: boolean;
  /** The gateway's URL, to copy into an OpenAI client; absent while it does not listen. */
  gatewayUrl?: string;
  /** Models the gateway loaded on demand: processes no provider item shows, which Stop all stops. */
  loadedOnDemand: string[];
}

export interface TrayExtras {
  gatewayUrl?: string;
  loadedOnDemand?: readonly string[];
}

/** Installed providers this machine can run; the rest cannot be started from a tray anyway. */
function belongsInTray(summary: ProviderSummary): boolean {
  const { status } = summary.state;
  return summary.compatibility.runnable && status !== 'not-installed' && status !== 'installing';
}

export function trayMenuModel(summaries: readonly ProviderSummary[], { gatewayUrl, loadedOnDemand = [] }: TrayExtras = {}): TrayModel {
  const states = summaries.map((s) => s.state);
  const providers = summaries.filter(belongsInTray).map((summary): TrayProviderItem => {
    const { status, port } = summary.state;
    const showPort = port !== undefined && (UP.includes(status) || status === 'unhealthy');
    return {
      id: summary.id,
      label: `${summary.name} — ${STATUS_WORDS[status]}${showPort ? ` :${port}` : ''}`,
      canStart: STARTABLE.includes(status),
      canStop: STOPPABLE.includes(status),
    };
  });
  const overall = overallState(states);
  return {
    // A loaded model is something running, unless something else is wrong.
    overall: overall === 'idle' && loadedOnDemand.length > 0 ? 'ok' : overall,
    tooltip: trayTooltip(states, loadedOnDemand.length),
    providers,
    canStartAll: providers.some((p) => p.canStart),
    canStopAll: loadedOnDemand.length > 0 || providers.some((p) => p.canStop),
    ...(gatewayUrl ? { gatewayUrl } : {}),
    loadedOnDemand: [...loadedOnDemand],
  };
}
