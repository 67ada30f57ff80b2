import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { AppFailure } from '../../../shared/errors';
import { HubRepoSchema, type HubFitHint } from '../../../shared/hub';
import bundled from './starter-models.json';

/** Replaces the built-in starter list with a JSON or YAML file of the same shape (tests, curated mirrors). */
export const STARTERS_ENV = 'LLM_MANAGER_STARTER_MODELS';

const StarterModelSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,79}$/, 'must be lower-case letters, digits, dots, dashes'),
    name: z.string().min(1).max(80),
    kind: z.enum(['chat', 'embedding']),
    repo: HubRepoSchema,
    file: z
      .string()
      .max(300)
      .regex(/^[^\\]+\.gguf$/i, 'must be a .gguf path of the repository')
      .refine((f) => !f.split('/').includes('..'), 'must stay inside the repository'),
    size: z.number().int().positive().optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters')
      .optional(),
    license: z.string().min(1).max(80),
    goodFor: z.string().min(1).max(200),
  })
  .strict();
export type StarterModel = z.infer<typeof StarterModelSchema>;

const StarterFileSchema = z
  .object({ $comment: z.string().optional(), starters: z.array(StarterModelSchema).min(1).max(100) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.starters.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['starters', i, 'id'], message: `"${s.id}" is listed twice` });
      seen.add(s.id);
    });
  });

/** Validates a starter list; a bad one is an error naming where it is wrong. */
export function parseStarters(data: unknown, source: string): StarterModel[] {
  const result = StarterFileSchema.safeParse(data);
  if (result.success) return result.data.starters;
  const issue = result.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'the top level';
  throw new AppFailure({
    code: 'SETTINGS_INVALID',
    message: `The starter models list ${source} is not valid: ${where}: ${issue.message}.`,
    hint: `Fix the file, or unset ${STARTERS_ENV} to use the built-in list.`,
    details: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  });
}

/** The built-in list, or the file STARTERS_ENV names (read on every call so an edit shows without a restart). */
export async function loadStarters(env: NodeJS.ProcessEnv = process.env): Promise<StarterModel[]> {
  const file = env[STARTERS_ENV]?.trim();
  if (!file) return parseStarters(bundled, 'built into the app');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AppFailure({
      code: 'IO_ERROR',
      message: `Could not read the starter models list ${file} (${STARTERS_ENV}): ${(error as Error).message}.`,
      hint: `Point ${STARTERS_ENV} at a readable JSON or YAML file, or unset it.`,
    });
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new AppFailure({
      code: 'SETTINGS_INVALID',
      message: `The starter models list ${file} is not JSON or YAML: ${(error as Error).message}.`,
      hint: `Fix the file, or unset ${STARTERS_ENV} to use the built-in list.`,
    });
  }
  return parseStarters(data, file);
}

/** Below this a model answers at a pleasant pace on a CPU alone, however many cores it has. */
export const PLEASANT_ON_CPU_BYTES = 2 * 1024 ** 3;
/**
 * What each physical core adds to that budget. Decoding on a CPU reads every weight once a token,
 * and llama.cpp's quantised dot products keep a core busy at a few GB/s of weights, so on two
 * cores a 1.9 GiB model makes a few tokens a second where a 1 GiB one makes twice that.
 */
export const PLEASANT_ON_CPU_BYTES_PER_CORE = 0.6 * 1024 ** 3;

/** The pleasant size on a CPU with `cores` physical cores (unknown: the plain cap). */
export function pleasantOnCpuBytes(cores: number | undefined): number {
  return cores && cores > 0 ? Math.min(PLEASANT_ON_CPU_BYTES, cores * PLEASANT_ON_CPU_BYTES_PER_CORE) : PLEASANT_ON_CPU_BYTES;
}

/**
 * The one chat starter to suggest: the largest that fits on the GPU (a bigger model answers
 * better and the GPU keeps it quick); else the largest that fits in RAM (beside the GPU, or alone)
 * and is at most the pleasant size for `cpuCores` physical cores; else the smallest that fits at all. Never
 * one that is too big or of unknown size. Undefined when none qualifies.
 */
export function recommendStarter(
  starters: ReadonlyArray<{ id: string; kind: 'chat' | 'embedding'; size?: number; fit?: HubFitHint }>,
  cpuCores?: number,
): string | undefined {
  const chat = starters.filter((s): s is typeof s & { size: number } => s.kind === 'chat' && s.size !== undefined);
  const largest = (list: typeof chat) => [...list].sort((a, b) => b.size - a.size)[0];
  const gpu = largest(chat.filter((s) => s.fit === 'fits on the GPU'));
  if (gpu) return gpu.id;
  // Partly on the GPU runs its other layers on the CPU: sized as one that runs on the CPU alone.
  const cpu = chat.filter((s) => s.fit === 'CPU only, slow' || s.fit === 'partly on the GPU');
  const budget = pleasantOnCpuBytes(cpuCores);
  const pleasant = largest(cpu.filter((s) => s.size <= budget));
  if (pleasant) return pleasant.id;
  return [...cpu].sort((a, b) => a.size - b.size)[0]?.id;
}
