import type { ProviderRecipe } from './recipe';
import type { ModelEstimate } from './model-memory';

/** DESIGN.md's state machine. `external`: a server we found but do not own. */
export type ProviderStatus =
  'not-installed' | 'installing' | 'installed' | 'starting' | 'running' | 'unhealthy' | 'failed' | 'stopping' | 'stopped' | 'external';

/** Statuses from which start is allowed. */
export const STARTABLE: readonly ProviderStatus[] = ['installed', 'stopped', 'failed'];
/** Statuses in which the provider owns a process. */
export const ACTIVE: readonly ProviderStatus[] = ['starting', 'running', 'unhealthy', 'stopping'];
/** Statuses where a process serves (or is about to), ours or found running: port, PID and uptime mean something. */
export const LIVE: readonly ProviderStatus[] = [...ACTIVE, 'external'];

export interface HealthSample {
  at: string;
  ok: boolean;
  latencyMs: number;
  /** HTTP status, or the network error. */
  detail: string;
}

export interface ProviderError {
  message: string;
  hint?: string;
  /** The last log lines, when they explain it. */
  logTail?: string[];
}

export interface ProviderState {
  id: string;
  status: ProviderStatus;
  /** Why the last transition happened, in words. */
  reason: string;
  /** The port actually in use (or to be used), which may differ from the recipe's default. */
  port?: number;
  extraPorts?: Record<string, number>;
  /** PID of the process serving the API; `pids` has every process of the provider. */
  pid?: number;
  pids?: Record<string, number>;
  startedAt?: string;
  /** Automatic restarts since the user last started it. */
  restarts: number;
  lastError?: ProviderError;
  models?: string[];
  health?: HealthSample;
  /**
   * A provider we run answered its model list with 401/403: it wants a key (`keyRefused`: the one
   * we sent was wrong). External servers say so in `external.lockedStatus`.
   */
  locked?: { status: number; keyRefused: boolean };
  /** Status `external`: where discovery found it and what it said. */
  external?: ExternalFacts;
  updatedAt: string;
}

/** A provider running that this app did not start: used as found, never stopped by us. */
export interface ExternalFacts {
  baseUrl: string;
  version?: string;
  /** 401/403: it runs, but wants an API key. */
  lockedStatus?: number;
  /** Still locked with the key saved for it: that key is wrong. */
  keyRefused?: boolean;
  /** It answers with the key saved for it. */
  withKey?: boolean;
  /** `port`: nothing but the port said which provider it is. */
  confidence?: 'strong' | 'weak' | 'port';
  evidence: string[];
  command?: string;
  /** More servers identified as the same provider (listed on the Providers page). */
  others: number;
}

export interface Compatibility {
  /** false: this machine cannot run it (wrong OS, no required GPU); `reasons` says why. */
  runnable: boolean;
  reasons: string[];
  warnings: string[];
}

/** Why a provider cannot start for want of a model, asked before anything is spawned. */
export interface ModelNeed {
  /** `none-chosen`: it needs `{model}` and has none; `file-missing`: the chosen GGUF is gone; `folder-empty`: it takes the first GGUF of an empty folder. */
  kind: 'none-chosen' | 'file-missing' | 'folder-empty';
  /** What the provider takes: a GGUF file, or a name it resolves itself (a Hugging Face repository, mostly). */
  input: 'gguf' | 'name';
  message: string;
  hint: string;
}

export interface ProviderSummary {
  id: string;
  name: string;
  description: string;
  homepage: string;
  api: ProviderRecipe['api'];
  defaultPort: number;
  origin: 'builtin' | 'user';
  installStrategy: ProviderRecipe['install']['strategy'];
  /** Disk and time an install takes, roughly, when the recipe says. */
  installEstimate?: { diskGiB: number; minutes: number };
  /** For desktop apps we only detect: where the user gets them. */
  downloadUrl?: string;
  /** The pinned version an install fetches. */
  version?: string;
  compatibility: Compatibility;
  /** Set when Start would fail for want of a model: the tile offers "Choose model" instead. */
  modelNeed?: ModelNeed;
  state: ProviderState;
}

export interface CatalogProblem {
  /** The YAML file (or built-in id) the problem is in. */
  file: string;
  /** The field, as a dotted path, when one is to blame. */
  field?: string;
  message: string;
  hint: string;
}

export interface ProviderDetail extends ProviderSummary {
  recipe: ProviderRecipe;
  /** The recipe file, for user recipes. */
  file?: string;
  configDir: string;
  dataDir: string;
  logFile: string;
  healthHistory: HealthSample[];
}

export type LogStream = 'stdout' | 'stderr' | 'system';

export interface LogLine {
  /** Increasing per provider, across restarts, so clients can ask for what they missed. */
  seq: number;
  at: number;
  stream: LogStream;
  /** Which process of the provider printed it (FastChat has three). */
  process?: string;
  text: string;
}

/** A line found by searching a provider's log files on disk. */
export interface LogSearchMatch {
  file: string;
  /** 1-based line number within that file. */
  line: number;
  text: string;
}

/** A GGUF file in the models folder, with what its header says. */
/** Where a model file lives: our models folder, or another app's store that we use in place. */
export type ModelOrigin = 'models folder' | 'LM Studio' | 'Ollama' | 'llama.cpp cache' | 'Hugging Face cache';

export interface ModelFile {
  /**
   * What a provider's settings name: the file name inside the models folder, or the absolute path
   * of a model another app keeps (used in place, never copied).
   */
  file: string;
  path: string;
  sizeBytes: number;
  /** From the header; absent when the file could not be read (see `error`). */
  name?: string;
  architecture?: string;
  parameterCount?: number;
  /** e.g. "F32", "Q4_K_M". */
  quantization?: string;
  contextLength?: number;
  embeddingLength?: number;
  layers?: number;
  /** Rough memory needed to run it at `estimate.contextSize` (weights + KV cache); memoryEstimate() works it out for other settings. */
  estimate?: ModelEstimate;
  /** Providers set to use this file. */
  usedBy: string[];
  /** Why the header could not be read (truncated, not GGUF). */
  error?: string;
  /** Absent means our models folder. */
  origin?: ModelOrigin;
  /** The name the other app gives it, e.g. Ollama's `llama3.2:1b`. */
  originalName?: string;
}

export type DownloadStatus = 'downloading' | 'paused' | 'verifying' | 'done' | 'failed' | 'cancelled';

/** A model download: resumable (HTTP Range), checked (sha256) and renamed into models/ only when whole. */
export interface DownloadState {
  id: string;
  url: string;
  /** The file name it gets in the models folder. */
  file: string;
  status: DownloadStatus;
  receivedBytes: number;
  totalBytes?: number;
  /** Bytes per second over the last few seconds. */
  speedBps: number;
  etaSec?: number;
  sha256?: string;
  error?: string;
  updatedAt: string;
}
