import { AppFailure } from '../../../shared/errors';

/** Redirects followed before a download gives up (GitHub releases take two). */
export const MAX_REDIRECTS = 10;

/**
 * Judges one hop of a download: the first URL or a redirect's target. Plain http can be changed
 * on the way, so it is allowed only when a sha256 will be checked over the whole file (the hash,
 * not the transport, is then what we trust); without one every hop must be https, so an https
 * link that redirects to http is refused too. Other schemes are never fetched.
 */
export function judgeHop(url: URL, options: { verified: boolean; from?: URL }): void {
  if (url.protocol === 'https:') return;
  const where = options.from ? `${options.from.href} redirected to ${url.href}` : url.href;
  if (url.protocol !== 'http:') {
    throw new AppFailure({
      code: 'BAD_REQUEST',
      message: `Refused to download from ${where}: only http and https addresses are fetched.`,
      hint: 'Use an https:// address.',
    });
  }
  if (options.verified) return;
  throw new AppFailure({
    code: 'BAD_REQUEST',
    message: options.from
      ? `Refused to download: ${where}, plain HTTP, and no sha256 was given to check the file.`
      : `Refused to download ${where}: it is plain HTTP and no sha256 was given to check the file.`,
    hint: "Plain HTTP can be altered on the way. Use an https:// address that stays https, or give the file's sha256 so the download is verified.",
  });
}

/** The first URL, parsed and judged; a bad address is a clear refusal, never a thrown TypeError. */
export function judgeUrl(url: string, verified: boolean): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppFailure({ code: 'BAD_REQUEST', message: `${url} is not a valid address.`, hint: 'Give a full https:// address.' });
  }
  judgeHop(parsed, { verified });
  return parsed;
}
