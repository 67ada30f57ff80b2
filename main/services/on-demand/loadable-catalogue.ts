import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelFile } from '../../../shared/provider';
import type { SizedModel } from '../../../shared/model-memory';

/** One model that can be loaded, by the id clients send. */
export interface LoadableEntry {
  /**
   * The file name: what the engine and llama-server answer in /v1/models. A content-addressed blob
   * (Ollama's `sha256-…`) goes by its app's name instead (`llama3.2:1b`): nobody would type the hash.
   */
  id: string;
  /** The other name it answers to (the file name of such a blob, or the app's own name). */
  alias?: string;
  path: string;
  sizeBytes: number;
  /** From the GGUF header, for memoryEstimate: the context it was trained on, and its KV cache per token (absent when the header could not be read). */
  contextLength?: number;
  estimate?: SizedModel['estimate'];
  origin?: string;
  originalName?: string;
}

/**
 * A scan is reused this long: a burst of requests for unknown models must not rescan the disk each
 * time. A change to the models folder itself (a file copied in, a download finished) ends it early.
 */
const FRESH_MS = 2_000;

/**
 * The models that can be loaded: the models folder first, then other apps' stores (as the Models
 * page lists them), each under its file name; another app's own name for it (Ollama's
 * `llama3.2:1b`) is accepted too. A name taken twice goes to the first.
 */
export class LoadableCatalogue {
  private entries: LoadableEntry[] = [];
  private byName = new Map<string, LoadableEntry>();
  private scannedAt = -Infinity;
  private scanning: Promise<void> | undefined;
  /** The models folder's mtime when the last scan began (-1: none, or no folder). */
  private folderMtime = -1;

  /** `modelsDir`: the folder whose change (a file added, renamed or removed) makes the last scan stale at once. */
  constructor(
    private readonly listModels: () => Promise<ModelFile[]>,
    private readonly modelsDir?: string,
  ) {}

  /** The last scan, without waiting. */
  current(): LoadableEntry[] {
    return this.entries;
  }

  async list(): Promise<LoadableEntry[]> {
    await this.refresh();
    return this.entries;
  }

  /**
   * The entry a request's `model` names; rescans first when the name is unknown and the scan is not
   * fresh, or when the folder changed since (a known file deleted: loading it would only fail).
   */
  async find(name: string): Promise<LoadableEntry | undefined> {
    const known = this.byName.get(name);
    if (known && (await this.mtimeOfFolder()) === this.folderMtime) return known;
    await this.refresh();
    return this.byName.get(name);
  }

  private async refresh(): Promise<void> {
    if (performance.now() - this.scannedAt < FRESH_MS && (await this.mtimeOfFolder()) === this.folderMtime) return;
    this.scanning ??= this.scan().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async mtimeOfFolder(): Promise<number> {
    if (!this.modelsDir) return -1;
    return stat(this.modelsDir).then(
      (s) => s.mtimeMs,
      () => -1,
    );
  }

  private async scan(): Promise<void> {
    // Read before the listing: a file added while it runs makes the next look rescan.
    const mtime = await this.mtimeOfFolder();
    const files = await this.listModels();
    const entries: LoadableEntry[] = [];
    const byName = new Map<string, LoadableEntry>();
    for (const file of files) {
      const fileName = path.basename(file.path);
      const blob = /^sha256[-:][0-9a-f]{16,}$/i.test(fileName) && file.originalName !== undefined;
      const id = blob ? file.originalName! : fileName;
      if (byName.has(id)) continue;
      const alias = blob ? fileName : file.originalName !== fileName ? file.originalName : undefined;
      const entry: LoadableEntry = {
        id,
        ...(alias ? { alias } : {}),
        path: file.path,
        sizeBytes: file.sizeBytes,
        ...(file.contextLength !== undefined ? { contextLength: file.contextLength } : {}),
        ...(file.estimate ? { estimate: file.estimate } : {}),
        ...(file.origin && file.origin !== 'models folder' ? { origin: file.origin } : {}),
        ...(file.originalName ? { originalName: file.originalName } : {}),
      };
      entries.push(entry);
      byName.set(id, entry);
    }
    for (const entry of entries) if (entry.alias && !byName.has(entry.alias)) byName.set(entry.alias, entry);
    this.entries = entries;
    this.byName = byName;
    this.scannedAt = performance.now();
    this.folderMtime = mtime;
  }
}
