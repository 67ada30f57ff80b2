import type { LlmClient } from '../../shared/contract';
import { RANGE_MS, type ResourceSample } from '../../shared/resources';

export type ResourceClient = Pick<LlmClient, 'invoke' | 'on'>;

/**
 * Live resource samples for everything on screen that shows them (the Resources page, tile
 * sparklines). The first user starts a lease on the host's `resources.sample` events and renews
 * it while anyone still watches; the last one to leave ends it, so an idle UI costs the host
 * nothing to send. Keeps the last hour of live samples.
 */
export class ResourceFeed {
  private users = 0;
  private samples: readonly ResourceSample[] = [];
  private readonly listeners = new Set<() => void>();
  private off?: () => void;
  private renewTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly client: ResourceClient) {}

  /** Watch until the returned function is called. */
  acquire(): () => void {
    if (this.users++ === 0) this.start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.users === 0) this.stop();
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** A new array after every sample, so React sees the change. */
  getSnapshot = (): readonly ResourceSample[] => this.samples;

  push(sample: ResourceSample): void {
    const since = sample.at - RANGE_MS['1h'];
    const kept = this.samples.length > 0 && this.samples[0]!.at <= since ? this.samples.filter((s) => s.at > since) : this.samples;
    this.samples = [...kept, sample];
    this.listeners.forEach((l) => l());
  }

  private start(): void {
    this.off = this.client.on('resources.sample', (sample) => this.push(sample));
    void this.renew();
  }

  private stop(): void {
    this.off?.();
    this.off = undefined;
    clearTimeout(this.renewTimer);
    this.client.invoke('resources.unwatch').catch(() => undefined);
  }

  private async renew(): Promise<void> {
    let next = 5_000;
    try {
      const { leaseMs } = await this.client.invoke('resources.watch');
      next = leaseMs / 3;
    } catch {
      // Not connected: try again soon; the lease resumes once the host answers.
    }
    if (this.users === 0) return;
    clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(() => void this.renew(), next);
  }
}

const feeds = new WeakMap<ResourceClient, ResourceFeed>();

/** One feed per client, made on first use. */
export function feedFor(client: ResourceClient): ResourceFeed {
  let feed = feeds.get(client);
  if (!feed) feeds.set(client, (feed = new ResourceFeed(client)));
  return feed;
}
