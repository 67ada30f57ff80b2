/**
 * Pure rules about a Hugging Face repository's GGUF files: the quantisation a file name carries,
 * split sets (`…-00001-of-00003.gguf`) grouped into one pullable choice, picking a choice by
 * quantisation or file name, and whether a choice fits this machine.
 */

import { placement } from '../../../shared/model-memory';

export interface HubFile {
  path: string;
  size: number;
  /** The LFS object's sha256, when the hub gave one. */
  sha256?: string;
}

/** One thing a user can pull: a single GGUF, or every part of a split set. */
export interface HubChoice {
  /** The file name shown (the first part's for a split set). */
  name: string;
  quant?: string;
  /** Sum of the parts' sizes. */
  size: number;
  parts: HubFile[];
}

const QUANT = /(?:^|[-_.])((?:IQ\d_[A-Z]+(?:_[A-Z])?)|(?:Q\d(?:_K)?(?:_[A-Z0-9]+)?)|(?:BF16|F16|F32|FP16))(?=[-_.])/i;
const SPLIT = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;

/** Q4_K_M, Q8_0, F16, IQ2_XS… read from a file name; undefined when it names none. */
export function quantOf(fileName: string): string | undefined {
  const base = fileName.split('/').pop() ?? fileName;
  return QUANT.exec(base)?.[1]?.toUpperCase();
}

/** The set a split part belongs to, its index and count; undefined for a whole file. */
export function splitOf(fileName: string): { set: string; index: number; count: number } | undefined {
  const match = SPLIT.exec(fileName);
  if (!match) return undefined;
  return { set: match[1]!, index: Number(match[2]), count: Number(match[3]) };
}

/** The repository's GGUF files as choices: split parts grouped (only complete sets), sorted by name. */
export function choicesOf(files: readonly HubFile[]): HubChoice[] {
  const choices: HubChoice[] = [];
  const sets = new Map<string, { count: number; parts: HubFile[] }>();
  for (const file of files) {
    if (!/\.gguf$/i.test(file.path)) continue;
    const split = splitOf(file.path);
    if (!split) {
      choices.push({ name: file.path, quant: quantOf(file.path), size: file.size, parts: [file] });
      continue;
    }
    const set = sets.get(split.set) ?? { count: split.count, parts: [] };
    set.parts.push(file);
    sets.set(split.set, set);
  }
  for (const set of sets.values()) {
    if (set.parts.length !== set.count) continue;
    const parts = [...set.parts].sort((a, b) => a.path.localeCompare(b.path));
    choices.push({
      name: parts[0]!.path,
      quant: quantOf(parts[0]!.path),
      size: parts.reduce((sum, p) => sum + p.size, 0),
      parts,
    });
  }
  return choices.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The choice a `<quant>` or `<file>` names: a file path (any part of a split set picks the set),
 * else a quantisation (case-insensitive; the smallest when several share it). Undefined when none.
 */
export function pickChoice(choices: readonly HubChoice[], wanted: string): HubChoice | undefined {
  const byFile = choices.find((c) => c.parts.some((p) => p.path === wanted || p.path.split('/').pop() === wanted));
  if (byFile) return byFile;
  const quant = wanted.toUpperCase();
  return choices.filter((c) => c.quant === quant).sort((a, b) => a.size - b.size)[0];
}

export type FitHint = 'fits on the GPU' | 'partly on the GPU' | 'CPU only, slow' | 'too big';

/** Room kept beside the weights for the context (KV cache) and the runtime: a fifth, at least 512 MiB. */
export function withContextRoom(modelBytes: number): number {
  return modelBytes + Math.max(512 * 1024 ** 2, modelBytes * 0.2);
}

/**
 * Whether a model of `modelBytes` fits this machine: on the largest GPU's VRAM; else split between
 * it and free RAM (llama.cpp runs the layers left over on the CPU: slower); without a GPU, in free
 * RAM (slow); else not at all. Memory figures in bytes; a machine without a GPU passes vramBytes 0.
 */
export function fitHint(modelBytes: number, machine: { vramBytes: number; ramBytes: number }): FitHint {
  return HINTS[placement(withContextRoom(modelBytes), machine.vramBytes, machine.ramBytes)];
}

const HINTS: Record<ReturnType<typeof placement>, FitHint> = {
  gpu: 'fits on the GPU',
  split: 'partly on the GPU',
  ram: 'CPU only, slow',
  none: 'too big',
};

const UNQUANTISED = new Set(['F16', 'BF16', 'F32', 'FP16']);

/**
 * The choice to pull when the user names none: Q4_K_M when it fits (the usual balance of size and
 * quality), else the largest that fits on the GPU, else the largest quantised one that fits in RAM
 * (an unquantised file only when nothing else fits). Undefined when nothing fits.
 */
export function recommendChoice<C extends { name: string; quant?: string; size: number; fit: FitHint }>(
  choices: readonly C[],
): C | undefined {
  const fitting = choices.filter((c) => c.fit !== 'too big');
  const largest = (list: C[]) => [...list].sort((a, b) => b.size - a.size || a.name.localeCompare(b.name))[0];
  const q4 = fitting.filter((c) => c.quant === 'Q4_K_M').sort((a, b) => a.size - b.size)[0];
  if (q4) return q4;
  const gpu = largest(fitting.filter((c) => c.fit === 'fits on the GPU'));
  if (gpu) return gpu;
  return largest(fitting.filter((c) => !c.quant || !UNQUANTISED.has(c.quant))) ?? largest(fitting);
}
