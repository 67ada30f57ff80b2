import { z } from 'zod';
import type { DownloadState } from './provider';

/** A Hugging Face repository name: owner/name. */
export const HubRepoSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be owner/name')
  .refine((s) => !s.includes('..'), 'must be owner/name');
const Revision = z.string().min(1).max(200).optional();

export const HubSearchSchema = z
  .object({
    query: z.string().max(200),
    sort: z.enum(['downloads', 'likes', 'lastModified']).optional(),
    limit: z.number().int().min(1).max(100).optional(),
  })
  .strict();
export const HubFilesSchema = z.object({ repo: HubRepoSchema, revision: Revision }).strict();
/** `pick`: a quantisation (Q4_K_M) or a file path of the repository; any part of a split set pulls the set. */
export const HubPullSchema = z.object({ repo: HubRepoSchema, revision: Revision, pick: z.string().min(1).max(500) }).strict();

export interface HubSearchResult {
  id: string;
  downloads?: number;
  likes?: number;
  lastModified?: string;
  gated: boolean;
  tags: string[];
}

export type HubFitHint = 'fits on the GPU' | 'partly on the GPU' | 'CPU only, slow' | 'too big';

/** One pullable GGUF (or split set) of a repository, with whether it fits this machine. */
export interface HubFileChoice {
  name: string;
  quant?: string;
  size: number;
  parts: Array<{ path: string; size: number; sha256?: string }>;
  fit: HubFitHint;
}

export interface HubFiles {
  repo: string;
  pageUrl: string;
  license?: string;
  gated: boolean;
  tags: string[];
  downloads?: number;
  likes?: number;
  /** The model card's first paragraph, capped; undefined when the repository has none. */
  summary?: string;
  choices: HubFileChoice[];
  /** The name of the choice to pull when none is named: Q4_K_M if it fits, else the best that does. */
  recommended?: string;
}

export interface HubPull {
  repo: string;
  choice: HubFileChoice;
  downloads: DownloadState[];
}

/** A hand-picked small model shown first: one click gets a sensible first model. */
export interface HubStarter {
  /** Stable key, e.g. `qwen2.5-1.5b-instruct`. */
  id: string;
  name: string;
  kind: 'chat' | 'embedding';
  repo: string;
  /** The GGUF file in the repository; `hub.pull({ repo, pick: file })` downloads it. */
  file: string;
  /** Bytes; from the data file, else from the hub's tree when it answered. */
  size?: number;
  sha256?: string;
  license: string;
  goodFor: string;
  pageUrl: string;
  /** Undefined while the size is unknown. */
  fit?: HubFitHint;
  /** True on at most one chat starter: the best that fits this machine. */
  recommended: boolean;
}
