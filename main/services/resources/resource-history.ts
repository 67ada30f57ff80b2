import { RANGE_MS, type ResourceRange, type ResourceSample } from '../../../shared/resources';
import { Ring } from '../os/ring';
import { averageSamples } from './sample-average';

const FULL_RATE_MS = RANGE_MS['1m'];
const KEPT_MS = RANGE_MS['1h'];

/**
 * The last minute at full rate and the last hour in buckets of `bucketMs` (their means). Memory is
 * fixed: at 1 s that is 61 samples plus 361 buckets, whatever the uptime.
 */
export class ResourceHistory {
  private fine: Ring<ResourceSample>;
  private readonly coarse: Ring<ResourceSample>;
  private bucket: ResourceSample[] = [];
  private bucketEnds = 0;

  constructor(
    private intervalMs: number,
    readonly bucketMs = 10_000,
  ) {
    this.fine = new Ring(fineCapacity(intervalMs));
    this.coarse = new Ring(Math.ceil(KEPT_MS / bucketMs) + 1);
  }

  /** A new sampling interval: the full-rate buffer is resized to still hold one minute. */
  setIntervalMs(intervalMs: number): void {
    if (intervalMs === this.intervalMs) return;
    this.intervalMs = intervalMs;
    const kept = this.fine.toArray();
    this.fine = new Ring(fineCapacity(intervalMs));
    for (const sample of kept) this.fine.push(sample);
  }

  add(sample: ResourceSample): void {
    this.fine.push(sample);
    if (this.bucket.length > 0 && sample.at >= this.bucketEnds) this.closeBucket();
    if (this.bucket.length === 0) this.bucketEnds = (Math.floor(sample.at / this.bucketMs) + 1) * this.bucketMs;
    this.bucket.push(sample);
  }

  latest(): ResourceSample | undefined {
    return this.fine.last();
  }

  /** Oldest first: buckets up to where the full-rate minute begins, then that minute. */
  range(range: ResourceRange): ResourceSample[] {
    const fine = this.fine.toArray();
    const newest = fine.at(-1)?.at;
    if (newest === undefined) return [];
    const since = newest - RANGE_MS[range];
    const recent = fine.filter((s) => s.at > since);
    if (RANGE_MS[range] <= FULL_RATE_MS) return recent;
    const fineStart = fine[0]!.at;
    return [...this.coarse.toArray().filter((s) => s.at > since && s.at < fineStart), ...recent];
  }

  private closeBucket(): void {
    this.coarse.push(averageSamples(this.bucket));
    this.bucket = [];
  }
}

function fineCapacity(intervalMs: number): number {
  return Math.ceil(FULL_RATE_MS / intervalMs) + 1;
}
