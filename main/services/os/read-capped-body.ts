/**
 * The one size-capped reader of an HTTP answer's body (a `fetch` Response): what we probe (health
 * endpoints, discovery) is any server on the machine or the network, and its body is not ours to
 * size. Reads up to `maxBytes`, then cancels the rest, so a server that streams without end costs
 * no more than the cap. Server-side request bodies are read by `readBoundedBody` (http-boundary).
 */

/** How much of an answer a probe reads: enough for any health or model-list JSON. */
export const PROBE_BODY_BYTES = 64 * 1024;

/** The first `maxBytes` bytes of the body, as UTF-8 text; '' for none. */
export async function readCappedBody(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}
