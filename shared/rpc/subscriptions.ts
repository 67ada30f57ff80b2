/**
 * Which events each connection asked for: a topic and a key within it (one provider's log lines,
 * the resource samples). A subscription may be a lease that lapses unless renewed, for a client
 * that can vanish without closing its connection (a hidden tab, a frozen page). A connection's
 * subscriptions go with it when it closes.
 */
export class Subscriptions {
  /** connection id → `topic key` → expiry (Infinity: until unsubscribed or closed). */
  private readonly byConnection = new Map<string, Map<string, number>>();

  constructor(private readonly now: () => number = Date.now) {}

  add(connectionId: string, topic: string, key = '', options: { leaseMs?: number } = {}): void {
    let subscriptions = this.byConnection.get(connectionId);
    if (!subscriptions) this.byConnection.set(connectionId, (subscriptions = new Map()));
    subscriptions.set(slot(topic, key), options.leaseMs === undefined ? Infinity : this.now() + options.leaseMs);
  }

  remove(connectionId: string, topic: string, key = ''): void {
    const subscriptions = this.byConnection.get(connectionId);
    subscriptions?.delete(slot(topic, key));
    if (subscriptions?.size === 0) this.byConnection.delete(connectionId);
  }

  /** The connection closed: everything it asked for goes. */
  drop(connectionId: string): void {
    this.byConnection.delete(connectionId);
  }

  has(connectionId: string, topic: string, key = ''): boolean {
    const subscriptions = this.byConnection.get(connectionId);
    const until = subscriptions?.get(slot(topic, key));
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.remove(connectionId, topic, key);
    return false;
  }

  /** Whether any connection wants this: lets a producer skip work nobody will see. */
  any(topic: string, key = ''): boolean {
    for (const connectionId of [...this.byConnection.keys()]) if (this.has(connectionId, topic, key)) return true;
    return false;
  }
}

function slot(topic: string, key: string): string {
  return `${topic}\u0000${key}`;
}
