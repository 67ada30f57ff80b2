import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppFailure } from '../../../shared/errors';
import { judgeHop, judgeUrl, MAX_REDIRECTS } from '../models/download-policy';
import { internetFetch, throughProxy } from './internet-fetch';
import { whyNoAnswer } from './network-failure';

const PROGRESS_EVERY_MS = 250;

export interface FetchProgress {
  receivedBytes: number;
  totalBytes?: number;
  speedBps: number;
}

/**
 * Streams a URL into a file. With `offset` > 0 it asks for the rest (HTTP Range) and appends; a
 * server that ignores Range answers whole and the file starts over. Progress at most every 250 ms.
 * Redirects are followed one hop at a time so each target is judged (download-policy.ts):
 * `verified` says a sha256 will be checked over the whole file afterwards, which alone lets a
 * plain-http hop through.
 */
export async function fetchToFile(
  url: string,
  file: string,
  options: {
    signal: AbortSignal;
    verified: boolean;
    offset?: number;
    onProgress?: (p: FetchProgress) => void;
    /** Sent to the first URL's origin only (a token must not follow a redirect to a CDN). */
    headers?: Record<string, string>;
    /**
     * Called once the answer's size is known, before a byte is written (a room check): what is
     * still to come and the whole file's size, undefined when the server does not say. Throwing
     * stops the download.
     */
    beforeWrite?: (size: { remaining: number; total: number } | undefined) => Promise<void>;
  },
): Promise<void> {
  let offset = options.offset ?? 0;
  const response = await fetchFollowingJudged(judgeUrl(url, options.verified), options.verified, {
    signal: options.signal,
    headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
    originHeaders: options.headers ?? {},
  });
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
  try {
    await options.beforeWrite?.(totalBytes === undefined ? undefined : { remaining: length, total: totalBytes });
  } catch (error) {
    await response.body.cancel();
    throw error;
  }
  const counter = progressCounter(offset, report);
  const out = createWriteStream(file, { flags: resumed ? 'a' : 'w' });
  try {
    await pipeline(Readable.fromWeb(response.body as never), counter, out, { signal: options.signal });
  } catch (error) {
    // A stop (cancel, a broken connection) rejects at once, while a write may still be under way:
    // until the file is closed its size is not final, and a resume appending to it would
    // interleave with that write.
    await closed(out);
    // A write error (a full disk) keeps its code for the caller; a body that broke off says why.
    if (options.signal.aborted || !(error instanceof TypeError)) throw error;
    throw new AppFailure({
      code: 'IO_ERROR',
      message: `The connection to ${new URL(url).host} broke off: ${whyNoAnswer(error)}.`,
      hint: 'Check the network, then retry.',
    });
  }
  // Closed before it is moved (Windows cannot rename an open file).
  await closed(out);
  counter.flushProgress();
}

function closed(stream: WriteStream): Promise<void> {
  return stream.closed ? Promise.resolve() : new Promise((resolve) => stream.once('close', () => resolve()));
}

/** Counts bytes as they pass and reports speed at most every PROGRESS_EVERY_MS. */
function progressCounter(start: number, report: (received: number, speedBps: number) => void) {
  let received = start;
  let lastAt = performance.now();
  let lastBytes = start;
  const transform = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      const now = performance.now();
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

/** fetch with redirects followed by hand, each target judged before it is asked. */
async function fetchFollowingJudged(
  first: URL,
  verified: boolean,
  init: { signal: AbortSignal; headers: Record<string, string>; originHeaders: Record<string, string> },
): Promise<Response> {
  let url = first;
  for (let hop = 0; ; hop++) {
    const headers = url.origin === first.origin ? { ...init.originHeaders, ...init.headers } : init.headers;
    const response = await internetFetch()(url, { signal: init.signal, headers, redirect: 'manual' }).catch((error: unknown) => {
      if (init.signal.aborted) throw error;
      throw new AppFailure({
        code: 'IO_ERROR',
        message: `Could not reach ${url.host}${throughProxy(url)}: ${whyNoAnswer(error)}.`,
        hint: 'Check the address and the network, then retry.',
      });
    });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || location === null) return response;
    await response.body?.cancel();
    if (hop === MAX_REDIRECTS)
      throw new AppFailure({
        code: 'BAD_REQUEST',
        message: `${first.href} redirected more than ${MAX_REDIRECTS} times.`,
        hint: 'Check the address; use the final download address.',
      });
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new AppFailure({
        code: 'BAD_REQUEST',
        message: `${url.href} redirected to an invalid address (${location}).`,
        hint: 'Use the final download address.',
      });
    }
    judgeHop(next, { verified, from: url });
    url = next;
  }
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}
