import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const PROGRESS_EVERY_MS = 250;

export interface FetchProgress {
  receivedBytes: number;
  totalBytes?: number;
  speedBps: number;
}

/**
 * Streams a URL into a file. With `offset` > 0 it asks for the rest (HTTP Range) and appends; a
 * server that ignores Range answers whole and the file starts over. Progress at most every 250 ms.
 */
export async function fetchToFile(
  url: string,
  file: string,
  options: { signal: AbortSignal; offset?: number; onProgress?: (p: FetchProgress) => void },
): Promise<void> {
  let offset = options.offset ?? 0;
  const response = await fetch(url, { signal: options.signal, headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, redirect: 'follow' });
  if (response.status === 416 && offset > 0) {
    // Nothing left to fetch: the file is already whole.
    await response.body?.cancel();
    return;
  }
  if (!response.ok || !response.body) throw new Error(`The server answered HTTP ${response.status} for ${url}.`);
  const resumed = offset > 0 && response.status === 206;
  if (!resumed) offset = 0;
  const length = Number(response.headers.get('content-length') ?? NaN);
  const totalBytes = Number.isFinite(length) ? offset + length : undefined;
  const report = (receivedBytes: number, speedBps: number) => options.onProgress?.({ receivedBytes, totalBytes, speedBps });
  report(offset, 0);
  const counter = progressCounter(offset, report);
  await pipeline(Readable.fromWeb(response.body as never), counter, createWriteStream(file, { flags: resumed ? 'a' : 'w' }), { signal: options.signal });
  counter.flushProgress();
}

/** Counts bytes as they pass and reports speed at most every PROGRESS_EVERY_MS. */
function progressCounter(start: number, report: (received: number, speedBps: number) => void) {
  let received = start;
  let lastAt = Date.now();
  let lastBytes = start;
  const transform = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      const now = Date.now();
      if (now - lastAt >= PROGRESS_EVERY_MS) {
        report(received, Math.round(((received - lastBytes) * 1000) / (now - lastAt)));
        lastAt = now;
        lastBytes = received;
      }
      done(null, chunk);
    },
  });
  return Object.assign(transform, { flushProgress: () => report(received, 0) });
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}
