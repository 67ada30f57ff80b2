import type { DownloadRequest } from '../../api/download-hooks';

/** What the form holds, as typed. */
export interface DownloadDraft {
  url: string;
  file: string;
  sha256: string;
}

export type DownloadField = keyof DownloadDraft;
export type DownloadProblems = Partial<Record<DownloadField, string>>;

const GGUF_NAME = /^[^/\\]+\.gguf$/i;
const SHA256 = /^[a-f0-9]{64}$/i;

/** The URL when it is an http(s) address, as the host's schema requires. */
function parseHttpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The name the host gives the file when none is typed: the last part of the URL's path. */
export function fileNameFromUrl(text: string): string | undefined {
  const url = parseHttpUrl(text.trim());
  const last = url?.pathname.split('/').pop();
  if (!last) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** Why a file name would be refused (the contract's ModelFileName), or nothing when it is fine. */
export function fileNameProblem(name: string): string | undefined {
  if (!GGUF_NAME.test(name)) return 'Must be a file name ending in .gguf, without folders.';
  if (name.startsWith('.')) return 'Must not start with a dot.';
  return undefined;
}

/** The same checks the host's schema makes, so most mistakes are caught before a round trip. */
export function checkDownload(draft: DownloadDraft): DownloadProblems {
  const problems: DownloadProblems = {};
  const url = draft.url.trim();
  const file = draft.file.trim();
  const sha256 = draft.sha256.trim();
  if (!url) problems.url = 'Enter the address of a .gguf file.';
  else if (!parseHttpUrl(url)) problems.url = 'Must be an http:// or https:// address.';
  if (file) {
    problems.file = fileNameProblem(file);
  } else if (!problems.url) {
    const derived = fileNameFromUrl(url);
    if (!derived || fileNameProblem(derived)) problems.file = 'The URL does not end in a .gguf file name: enter a file name.';
  }
  if (sha256 && !SHA256.test(sha256)) problems.sha256 = 'Must be 64 hex characters (0-9, a-f).';
  return Object.fromEntries(Object.entries(problems).filter(([, message]) => message)) as DownloadProblems;
}

/** The request for a draft that passed `checkDownload`: blank optional fields left out. */
export function toDownloadRequest(draft: DownloadDraft): DownloadRequest {
  const file = draft.file.trim();
  const sha256 = draft.sha256.trim();
  return { url: draft.url.trim(), ...(file && { file }), ...(sha256 && { sha256 }) };
}
