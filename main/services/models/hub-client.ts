import { z } from 'zod';
import { AppFailure } from '../../../shared/errors';
import { internetFetch, throughProxy } from '../os/internet-fetch';
import { whyNoAnswer } from '../os/network-failure';
import { readCappedBody } from '../os/read-capped-body';
import { choicesOf, type HubChoice, type HubFile } from './hub-files';
import { summaryOf } from './model-card';

/** The most of one API answer we read: a big repository's recursive tree is a few hundred KiB. */
export const HUB_ANSWER_BYTES = 4 * 1024 * 1024;
/** Model cards are a few KiB; the summary is in the first lines. */
const MODEL_CARD_BYTES = 512 * 1024;

export type HubSort = 'downloads' | 'likes' | 'lastModified';

const SearchHitSchema = z.object({
  id: z.string(),
  downloads: z.number().optional(),
  likes: z.number().optional(),
  lastModified: z.string().optional(),
  createdAt: z.string().optional(),
  tags: z.array(z.string()).optional(),
  gated: z.union([z.boolean(), z.string()]).optional(),
  private: z.boolean().optional(),
});
export type HubSearchHit = z.infer<typeof SearchHitSchema>;

const TreeEntrySchema = z.object({
  type: z.string(),
  path: z.string(),
  size: z.number().optional(),
  oid: z.string().optional(),
  lfs: z.object({ oid: z.string(), size: z.number() }).partial().optional().nullable(),
});

const ModelInfoSchema = z.object({
  id: z.string(),
  gated: z.union([z.boolean(), z.string()]).optional(),
  private: z.boolean().optional(),
  tags: z.array(z.string()).optional(),
  downloads: z.number().optional(),
  likes: z.number().optional(),
  lastModified: z.string().optional(),
  pipeline_tag: z.string().optional(),
  cardData: z
    .object({ license: z.union([z.string(), z.array(z.string())]).optional() })
    .passthrough()
    .optional()
    .nullable(),
});

export interface HubModelInfo {
  id: string;
  license?: string;
  gated: boolean;
  tags: string[];
  downloads?: number;
  likes?: number;
  lastModified?: string;
  pipelineTag?: string;
  pageUrl: string;
}

/** One file of a pull: where to fetch it, what to save it as, and its sha256 when known. */
export interface HubDownload {
  url: string;
  file: string;
  sha256?: string;
  size: number;
}

export interface HubClientOptions {
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A small Hugging Face hub client: search GGUF repositories, list a repository's GGUF choices,
 * read its model info, and turn a choice into download URLs for the models downloader. Honours
 * HF_ENDPOINT (a mirror or a local hub, as huggingface_hub does) and HF_TOKEN (Bearer).
 */
export class HubClient {
  readonly endpoint: string;
  private readonly token?: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  /** " (through the proxy …)" for messages, when HTTPS_PROXY carries the hub's requests. */
  private readonly viaProxy: string;

  constructor(options: HubClientOptions = {}) {
    const env = options.env ?? process.env;
    this.endpoint = (env.HF_ENDPOINT?.trim() || 'https://huggingface.co').replace(/\/+$/, '');
    this.token = env.HF_TOKEN?.trim() || undefined;
    this.fetchImpl = options.fetch ?? internetFetch(env);
    this.viaProxy = throughProxy(this.endpoint, env);
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Headers for API calls and downloads: the token when one is set. */
  authHeaders(): Record<string, string> {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {};
  }

  pageUrl(repo: string): string {
    return `${this.endpoint}/${repo}`;
  }

  async search(query: string, options: { sort?: HubSort; limit?: number } = {}): Promise<HubSearchHit[]> {
    const params = new URLSearchParams({
      search: query,
      filter: 'gguf',
      sort: options.sort ?? 'downloads',
      direction: '-1',
      limit: String(Math.min(Math.max(options.limit ?? 20, 1), 100)),
    });
    return this.getJson(`/api/models?${params}`, z.array(SearchHitSchema));
  }

  async info(repo: string): Promise<HubModelInfo> {
    const raw = await this.getJson(`/api/models/${checkRepo(repo)}`, ModelInfoSchema, repo);
    const license = raw.cardData?.license;
    return {
      id: raw.id,
      license: Array.isArray(license) ? license.join(', ') : license,
      gated: Boolean(raw.gated),
      tags: raw.tags ?? [],
      downloads: raw.downloads,
      likes: raw.likes,
      lastModified: raw.lastModified,
      pipelineTag: raw.pipeline_tag,
      pageUrl: this.pageUrl(repo),
    };
  }

  /** The repository's GGUF files with sizes and LFS sha256s. */
  async files(repo: string, revision = 'main'): Promise<HubFile[]> {
    const entries = await this.getJson(
      `/api/models/${checkRepo(repo)}/tree/${encodeURIComponent(revision)}?recursive=true`,
      z.array(TreeEntrySchema),
      repo,
    );
    return entries
      .filter((e) => e.type === 'file' && /\.gguf$/i.test(e.path))
      .map((e) => ({
        path: e.path,
        size: e.lfs?.size ?? e.size ?? 0,
        sha256: e.lfs?.oid && /^[0-9a-f]{64}$/i.test(e.lfs.oid) ? e.lfs.oid.toLowerCase() : undefined,
      }));
  }

  /**
   * The summary of the repository's model card (README.md), or undefined when it has none or the
   * hub does not answer: the card is a nicety, never a reason to fail the files list.
   */
  async summary(repo: string, revision = 'main'): Promise<string | undefined> {
    const url = `${this.endpoint}/${checkRepo(repo)}/resolve/${encodeURIComponent(revision)}/README.md`;
    try {
      const response = await this.fetchImpl(url, { headers: this.authHeaders(), signal: AbortSignal.timeout(this.timeoutMs) });
      if (!response.ok) {
        await response.body?.cancel();
        return undefined;
      }
      return summaryOf(await readCappedBody(response, MODEL_CARD_BYTES));
    } catch {
      return undefined;
    }
  }

  async choices(repo: string, revision = 'main'): Promise<HubChoice[]> {
    return choicesOf(await this.files(repo, revision));
  }

  /** The downloads of a choice: each part's resolve URL, saved under its base name. */
  downloadsOf(repo: string, choice: HubChoice, revision = 'main'): HubDownload[] {
    return choice.parts.map((part) => ({
      url: `${this.endpoint}/${checkRepo(repo)}/resolve/${encodeURIComponent(revision)}/${part.path
        .split('/')
        .map(encodeURIComponent)
        .join('/')}`,
      file: part.path.split('/').pop()!,
      sha256: part.sha256,
      size: part.size,
    }));
  }

  /**
   * Asks for a download URL without following it: a gated repository lists its files to anyone
   * but refuses the file itself (401 without a token, 403 without the licence accepted).
   */
  async checkAccess(repo: string, url: string): Promise<void> {
    let status: number;
    try {
      const response = await this.fetchImpl(url, {
        method: 'HEAD',
        redirect: 'manual',
        headers: this.authHeaders(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body?.cancel();
      status = response.status;
    } catch {
      return; // The download itself reports an unreachable hub.
    }
    if (status === 401 || status === 403) throw gatedFailure(this.pageUrl(repo), status);
  }

  private async getJson<T>(pathAndQuery: string, schema: z.ZodType<T>, repo?: string): Promise<T> {
    if (!/^https?:$/.test(URL.parse(this.endpoint)?.protocol ?? ''))
      throw new AppFailure({
        code: 'BAD_REQUEST',
        message: `HF_ENDPOINT is not a web address: "${this.endpoint}".`,
        hint: 'Set it to the hub or mirror to use, like https://hf-mirror.com, or unset it for https://huggingface.co.',
      });
    const url = `${this.endpoint}${pathAndQuery}`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        headers: { Accept: 'application/json', ...this.authHeaders() },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new AppFailure({
        code: 'IO_ERROR',
        message: `Could not reach the Hugging Face hub at ${this.endpoint}${this.viaProxy}: ${whyNoAnswer(error, this.timeoutMs)}.`,
        hint: `Check the network${this.viaProxy ? ' and the proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)' : ''}, or set HF_ENDPOINT to a reachable mirror.`,
      });
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw gatedFailure(repo ? this.pageUrl(repo) : this.endpoint, response.status);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      throw new AppFailure({
        code: 'NOT_FOUND',
        message: repo ? `No repository ${repo} on ${this.endpoint}.` : `The hub has no ${pathAndQuery}.`,
        hint: 'Check the name (owner/name) and the revision.',
      });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AppFailure({
        code: 'IO_ERROR',
        message: `The Hugging Face hub answered HTTP ${response.status} for ${url}.`,
        hint: 'Try again later.',
      });
    }
    const text = await readCappedBody(response, HUB_ANSWER_BYTES);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      throw new AppFailure({
        code: 'IO_ERROR',
        message: `The hub's answer for ${url} is not what the Hugging Face API returns.`,
        hint: 'Check HF_ENDPOINT points at a Hugging Face hub or mirror.',
      });
    }
    return result.data;
  }
}

/** A gated or private repository refused us: say how to get in. */
export function gatedFailure(pageUrl: string, status: number): AppFailure {
  return new AppFailure({
    code: 'UNAUTHORIZED',
    message: `The hub refused access (HTTP ${status}); the repository is gated or private: accept the licence on its page (${pageUrl}) and set HF_TOKEN.`,
    hint: `Accept the licence on its page (${pageUrl}), then set HF_TOKEN to a token of that account.`,
  });
}

function checkRepo(repo: string): string {
  if (!REPO.test(repo) || repo.includes('..')) {
    throw new AppFailure({ code: 'BAD_REQUEST', message: `${repo} is not a repository name.`, hint: 'Write it as owner/name.' });
  }
  return repo;
}
