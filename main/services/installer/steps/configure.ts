import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { expandPlaceholders } from '../../supervision/placeholders';
import type { StepContext } from '../step-context';

/**
 * Writes config/<id>/<file> from the recipe's templates. A file that is already there is the
 * user's (or an earlier install's, possibly edited): it is kept, never overwritten.
 */
export async function writeConfigFiles(ctx: StepContext): Promise<void> {
  await mkdir(ctx.configDir, { recursive: true });
  for (const [i, spec] of ctx.recipe.config.entries()) {
    const file = path.join(ctx.configDir, spec.file);
    if (existsSync(file)) {
      ctx.logs.system(ctx.logId, `kept ${file} (already there)`);
      continue;
    }
    await mkdir(path.dirname(file), { recursive: true });
    await ctx.created(file);
    await writeFileAtomic(file, expandPlaceholders(spec.template, ctx.values, `config.${i}.template`));
    ctx.logs.system(ctx.logId, `wrote ${file}`);
  }
}
