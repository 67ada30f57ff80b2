/**
 * Hands out a fixed set of items (context sequences) one request at a time each; requests beyond
 * the pool's size wait in order. A request may say which free item suits it best (`score`, higher
 * is better: the sequence whose cache already holds most of its prompt); on a tie it gets the one
 * used longest ago, whose cache is the least likely to be wanted again. Without a score, the one
 * freed last.
 */
export class SequencePool<T> {
  private readonly free: T[];
  private readonly waiting: Array<(item: T) => void> = [];

  constructor(items: T[]) {
    this.free = [...items];
  }

  async use<R>(work: (item: T) => Promise<R>, score?: (item: T) => number): Promise<R> {
    const item = this.take(score) ?? (await new Promise<T>((resolve) => this.waiting.push(resolve)));
    try {
      return await work(item);
    } finally {
      const next = this.waiting.shift();
      if (next) next(item);
      else this.free.push(item);
    }
  }

  private take(score: ((item: T) => number) | undefined): T | undefined {
    if (!score || this.free.length < 2) return this.free.pop();
    // Freed items are pushed at the end: the front was used longest ago, and wins a tie.
    const scores = this.free.map(score);
    let best = 0;
    for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
    return this.free.splice(best, 1)[0];
  }

  get queued(): number {
    return this.waiting.length;
  }
}
