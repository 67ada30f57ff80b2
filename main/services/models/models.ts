import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { GgufFileType, readGgufFileInfo } from 'node-llama-cpp';
import { AppFailure } from '../../../shared/errors';
import { estimateAtDefaults, kvBytesPerToken } from '../../../shared/model-memory';
import type { ModelFile } from '../../../shared/provider';
import type { LocalStoreModel } from './local-stores';

/**
 * The shared models folder: GGUF files with what their headers say (node-llama-cpp's GGUF reader,
 * which reads only the header, not the weights).
 */
export class ModelsService {
  constructor(
    readonly dir: string,
    /** Which providers use which of these files. */
    private readonly usedBy: (files: string[]) => Record<string, string[]>,
    /** Models other apps keep on this machine (LM Studio, Ollama, caches), listed and used in place. */
    private readonly elsewhere: () => Promise<LocalStoreModel[]> = async () => [],
  ) {}

  /**
   * Deletes a model unless a provider that is running now uses it; `beforeDelete` runs once that
   * is known (the gateway unloads what it loaded of it on demand).
   */
  async delete(
    file: string,
    isRunning: (providerId: string) => boolean,
    beforeDelete?: (model: ModelFile) => Promise<unknown>,
  ): Promise<void> {
    const models = await this.list();
    const model = models.find((m) => m.file === file);
    if (!model) throw new AppFailure({ code: 'NOT_FOUND', message: `No model ${file} in ${this.dir}.`, hint: 'Refresh the list.' });
    if (model.origin && model.origin !== 'models folder') {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `This file belongs to ${model.origin}; remove it there.`,
        hint: `${model.originalName ?? model.path} is used in place from ${model.origin}'s store; this app never deletes another app's files.`,
      });
    }
    const running = model.usedBy.filter(isRunning);
    if (running.length > 0) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `${file} is in use by ${running.join(', ')}, which is running.`,
        hint: 'Stop that provider first, then delete the model.',
      });
    }
    await beforeDelete?.(model);
    await rm(model.path);
  }

  async list(): Promise<ModelFile[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => n.toLowerCase().endsWith('.gguf')).sort();
    const external = await this.elsewhere().catch(() => [] as LocalStoreModel[]);
    // Ours first (the engine's default is the first of them), then the others by their absolute path.
    const users = this.usedBy([...names, ...external.map((m) => m.path)]);
    const ours = names.map((file) => this.describe(file, path.join(this.dir, file), users[file] ?? []));
    const theirs = external.map((m) =>
      this.describe(m.path, m.path, users[m.path] ?? [], { origin: m.origin, originalName: m.originalName }),
    );
    const models = (await Promise.all([...ours, ...theirs])).filter((m): m is ModelFile => m !== undefined);
    const present = new Set(models.map((m) => m.path));
    for (const full of this.headers.keys()) if (!present.has(full)) this.headers.delete(full);
    return models;
  }

  private async describe(
    file: string,
    full: string,
    usedBy: string[],
    from?: Pick<ModelFile, 'origin' | 'originalName'>,
  ): Promise<ModelFile | undefined> {
    const stats = await stat(full).catch(() => undefined);
    if (!stats) return undefined;
    const base: ModelFile = { file, path: full, sizeBytes: stats.size, usedBy, ...from };
    // The list is polled; a header (several MB for a large vocabulary) is read again only when the file changed.
    const key = `${stats.size}:${stats.mtimeMs}`;
    const cached = this.headers.get(full);
    const facts = cached?.key === key ? cached.facts : await this.readHeader(base);
    if (cached?.key !== key) this.headers.set(full, { key, facts });
    return { ...facts, ...base };
  }

  private readonly headers = new Map<string, { key: string; facts: ModelFile }>();

  private async readHeader(base: ModelFile): Promise<ModelFile> {
    const { path: full, sizeBytes } = base;
    try {
      const info = await readGgufFileInfo(full, { logWarnings: false });
      const tensors = info.fullTensorInfo ?? [];
      // The header can be whole while the weights are cut off: the last tensor must start inside the file.
      const lastTensorStart = tensors.reduce((max, t) => Math.max(max, Number(t.fileOffset)), 0);
      if (tensors.length === 0 || tensors.length !== Number(info.totalTensorCount) || lastTensorStart >= sizeBytes) {
        throw new Error(`the file is truncated (${sizeBytes} bytes; its tensors need more)`);
      }
      const general = info.metadata.general as typeof info.metadata.general & { parameter_count?: unknown };
      const architecture = general.architecture as string;
      const arch = (info.metadata as unknown as Record<string, Record<string, unknown> | undefined>)[architecture] ?? {};
      const contextLength = numberOr(arch.context_length);
      const embeddingLength = numberOr(arch.embedding_length);
      const layers = numberOr(arch.block_count);
      const attention = (arch.attention ?? {}) as Record<string, unknown>;
      const heads = numberOr(attention.head_count);
      const kvHeads = numberOr(attention.head_count_kv) ?? heads;
      const parameterCount =
        numberOr(general.parameter_count) ??
        tensors.reduce((sum, tensor) => sum + tensor.dimensions.reduce<number>((n, d) => n * Number(d), 1), 0);
      const perToken = kvBytesPerToken({ layers, embeddingLength, heads, kvHeads });
      return {
        ...base,
        name: general.name,
        architecture,
        parameterCount,
        quantization: quantizationName(general.file_type),
        contextLength,
        embeddingLength,
        layers,
        estimate: estimateAtDefaults({ sizeBytes, contextLength, estimate: { kvBytesPerToken: perToken } }),
      };
    } catch (error) {
      return { ...base, error: `Cannot read the GGUF header: ${(error as Error).message}` };
    }
  }
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : undefined;
}

/** "MOSTLY_Q4_K_M" → "Q4_K_M", "ALL_F32" → "F32". */
export function quantizationName(fileType: unknown): string | undefined {
  if (typeof fileType !== 'number') return undefined;
  const name = GgufFileType[fileType];
  return name?.replace(/^(MOSTLY|ALL)_/, '');
}
