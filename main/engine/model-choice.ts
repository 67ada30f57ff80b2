import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Exit code for "misconfigured, retrying will not help" (sysexits EX_CONFIG); the recipe lists it as fatal. */
export const EXIT_CONFIG = 78;

export class ModelProblem extends Error {}

/**
 * The model to load: the one asked for (a file name in the models folder, or a path), else the
 * first GGUF in the models folder. Checked to be a GGUF file before llama.cpp sees it.
 */
export async function chooseModel(asked: string | undefined, modelsDir: string): Promise<string> {
  let file: string;
  if (asked) {
    file = path.isAbsolute(asked) ? asked : path.join(modelsDir, asked);
  } else {
    const ggufs = (await readdir(modelsDir).catch(() => [] as string[])).filter((f) => f.toLowerCase().endsWith('.gguf')).sort();
    if (ggufs.length === 0) {
      throw new ModelProblem(
        `No model to load: ${modelsDir} has no .gguf file. Put a GGUF model there, or choose one in the engine's settings.`,
      );
    }
    file = path.join(modelsDir, ggufs[0]!);
  }
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new ModelProblem(`Model file not found: ${file}. Choose an existing .gguf file.`);
  const handle = await open(file, 'r');
  try {
    const magic = Buffer.alloc(4);
    await handle.read(magic, 0, 4, 0);
    if (magic.toString('latin1') !== 'GGUF') {
      throw new ModelProblem(`${file} is not a GGUF model (it does not start with "GGUF"). Use a .gguf file made for llama.cpp.`);
    }
  } finally {
    await handle.close();
  }
  return file;
}
