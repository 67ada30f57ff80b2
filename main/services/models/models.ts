import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { GgufFileType, readGgufFileInfo } from 'node-llama-cpp';
import { AppFailure } from '../../../shared/errors';
import type { ModelFile } from '../../../shared/provider';

/** Context size the memory estimate is given for (or the model's own, when smaller). */
const ESTIMATE_CONTEXT = 4096;

/**
 * The shared models folder: GGUF files with what their headers say (node-llama-cpp's GGUF reader,
 * which reads only the header, not the weights).
 */
export class ModelsService {
  constructor(
    readonly dir: string,
    /** Which providers use which of these files. */
    private readonly usedBy: (files: string[]) => Record<string, string[]>,
  ) {}

  /** Deletes a model unless a provider that is running now uses it. */
  async delete(file: string, isRunning: (providerId: string) => boolean): Promise<void> {
    const models = await this.list();
    const model = models.find((m) => m.file === file);
    if (!model) throw new AppFailure({ code: 'NOT_FOUND', message: `No model ${file} in ${this.dir}.`, hint: 'Refresh the list.' });
    const running = model.usedBy.filter(isRunning);
    if (running.length > 0) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `${file} is in use by ${running.join(', ')}, which is running.`,
        hint: 'Stop that provider first, then delete the model.',
      });
    }
    await rm(model.path);
  }

  async list(): Promise<ModelFile[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => n.toLowerCase().endsWith('.gguf')).sort();
    const users = this.usedBy(names);
    return Promise.all(names.map((file) => this.describe(file, users[file] ?? [])));
  }

  private async describe(file: string, usedBy: string[]): Promise<ModelFile> {
    const full = path.join(this.dir, file);
    const sizeBytes = (await stat(full)).size;
    const base: ModelFile = { file, path: full, sizeBytes, usedBy };
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
      const contextSize = Math.min(ESTIMATE_CONTEXT, contextLength ?? ESTIMATE_CONTEXT);
      // Weights as stored, plus an f16 KV cache: 2 (K and V) × layers × ctx × kv width × 2 bytes.
      const kvWidth = embeddingLength && heads && kvHeads ? (embeddingLength / heads) * kvHeads : embeddingLength;
      const kvBytes = layers && kvWidth ? 2 * layers * contextSize * kvWidth * 2 : 0;
      return {
        ...base,
        name: general.name,
        architecture,
        parameterCount,
        quantization: quantizationName(general.file_type),
        contextLength,
        embeddingLength,
        layers,
        estimate: { contextSize, bytes: Math.round((sizeBytes + kvBytes) * 1.1) },
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
