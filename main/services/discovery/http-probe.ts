import { connect } from 'node:net';
import { parseJsonOrUndefined } from '../os/http-expect';
import { PROBE_BODY_BYTES, probeRequest } from '../os/probe-request';
import { bearer } from '../os/bearer';
import { waitDeadline } from '../os/wait-deadline';
import type { HttpAnswer } from './fingerprint';

/**
 * Whether something accepts TCP connections on host:port. One connect per target decides
 * "nothing here" in well under a millisecond on loopback (a refusal), so an empty machine costs
 * no HTTP requests at all.
 */
export function tcpOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const done = (open: boolean) => {
      cancelDeadline();
      socket.destroy();
      resolve(open);
    };
    const cancelDeadline = waitDeadline(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * One request; undefined when there was no HTTP answer (refused, reset, timed out, or `signal`
 * aborted). Redirects are not followed.
 */
export async function fetchAnswer(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  timeoutMs: number,
  apiKey?: string,
  signal?: AbortSignal,
): Promise<HttpAnswer | undefined> {
  const started = performance.now();
  try {
    // Redirects are answers here: llama-swap is told apart by the 302 its "/" gives.
    const answer = await probeRequest(new URL(path, baseUrl), {
      method,
      timeoutMs,
      ...(signal ? { signal } : {}),
      maxBodyBytes: PROBE_BODY_BYTES,
      headers: { accept: 'application/json, text/plain;q=0.9, */*;q=0.5', ...bearer(apiKey) },
    });
    return { ...answer, json: parseJsonOrUndefined(answer.body), latencyMs: Math.round(performance.now() - started) };
  } catch {
    return undefined;
  }
}
