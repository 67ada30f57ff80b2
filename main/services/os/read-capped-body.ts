/**
 * The size-capped reader of a `fetch` Response's body (the model hub's answers): a body that is
 * not ours to size is read up to `maxBytes`, then the rest is cancelled, so a server that streams
 * without end costs no more than the cap. Probes of local servers cap theirs in `probeRequest`;
 * server-side request bodies are read by `readBoundedBody` (http-boundary).
 */

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
