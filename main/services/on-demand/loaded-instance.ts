import { createHash } from 'node:crypto';
import type { LoadableModelState, OnDemandProvider } from '../../../shared/on-demand';
import type { LoadableEntry } from './loadable-catalogue';

/** The separator of an instance's provider id (`engine~tiny.gguf`): never in a recipe id, so no tile can clash with it. */
export const INSTANCE_SEPARATOR = '~';

/**
 * The provider id a model's instance runs under: its own log file, run record and port, so the
 * supervisor, the orphan sweep and shutdown treat it as any provider. File-name safe on every OS.
 */
export function instanceIdOf(provider: OnDemandProvider, model: string): string {
  const slug = model.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
  const suffix = slug === model ? '' : `-${createHash('sha256').update(model).digest('hex').slice(0, 8)}`;
  return `${provider}${INSTANCE_SEPARATOR}${slug}${suffix}`;
}

export function isInstanceId(id: string): boolean {
  return id.includes(INSTANCE_SEPARATOR);
}

/** One model loaded (or loading) on demand: its provider process, requests in flight and idle timer. */
export class LoadedInstance {
  state: Exclude<LoadableModelState, 'unloaded' | 'failed'> = 'loading';
  port: number | undefined;
  healthy = true;
  inFlight = 0;
  /** Date.now() of the last request's start or end: what least-recently-used eviction ranks by. */
  lastUsed = Date.now();
  /** The last request's keep_alive (ms; Infinity keeps it), which wins over the TTL setting as in Ollama. */
  keepAliveMs: number | undefined;
  timer: NodeJS.Timeout | undefined;
  unloadsAt: number | undefined;
  /** The first load, while it runs: every request for this model waits on the same one. */
  loading: Promise<unknown> | undefined;
  unloading: Promise<void> | undefined;

  constructor(
    readonly entry: LoadableEntry,
    readonly id: string,
    readonly provider: OnDemandProvider,
  ) {}

  clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.unloadsAt = undefined;
  }
}
