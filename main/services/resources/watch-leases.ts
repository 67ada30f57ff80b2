/**
 * Who is looking at live resource samples. A client renews its lease while its page is open; a
 * client that vanished without saying so (closed tab, lost connection) lapses by itself.
 */
export class WatchLeases {
  private readonly expires = new Map<string, number>();

  constructor(
    readonly leaseMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {}

  watch(clientId: string): void {
    this.expires.set(clientId, this.now() + this.leaseMs);
  }

  unwatch(clientId: string): void {
    this.expires.delete(clientId);
  }

  get active(): boolean {
    const now = this.now();
    for (const [id, until] of this.expires) if (until <= now) this.expires.delete(id);
    return this.expires.size > 0;
  }
}
