import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { ProviderRecipe } from '../../../shared/recipe';
import { keepAside } from '../os/keep-aside';

/** A handful of entries; anything near this is not a file we wrote. */
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * The hash of what a recipe makes this machine run or fetch: install (strategy, steps, packages,
 * downloads and their checksums), repository and version, start processes (argv, env, cwd), stop,
 * and config templates (a start command may run them). Names, descriptions, ports and probes are
 * left out: editing those asks nothing again.
 */
export function executableHash(recipe: ProviderRecipe): string {
  const parts = {
    id: recipe.id,
    repository: recipe.repository ?? null,
    version: recipe.version ?? null,
    install: recipe.install,
    start: recipe.start.map(({ name, argv, env, cwd }) => ({ name, argv, env, cwd: cwd ?? null })),
    stop: recipe.stop ?? null,
    config: recipe.config,
  };
  return createHash('sha256').update(stableJson(parts)).digest('hex');
}

/** JSON with object keys sorted, so the same recipe always hashes the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const Entry = z.object({ hash: z.string().regex(/^[a-f0-9]{64}$/), confirmedAt: z.string(), file: z.string().optional() }).strict();
const FileSchema = z.object({ version: z.literal(1), recipes: z.record(z.string(), Entry) }).strict();
/** trusted-recipes.json's shape, for a restore to check an archived copy the way `read` would. */
export const TrustFileSchema = FileSchema;
type TrustFile = z.infer<typeof FileSchema>;

/**
 * Which custom recipes' commands the user confirmed, in `config/trusted-recipes.json` (a file of
 * its own, so a settings edit can never vouch for a recipe). One entry per recipe id holding the
 * hash confirmed: a recipe edited since no longer matches and is asked about again. A file we
 * cannot read trusts nothing; it is kept aside (not lost) when the next confirmation writes.
 */
export class RecipeTrust {
  private writes: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async isTrusted(id: string, hash: string): Promise<boolean> {
    // The map has no prototype: an id such as "constructor" finds nothing it did not store.
    return (await this.read()).data?.recipes[id]?.hash === hash;
  }

  /** Some version of this recipe was confirmed before (so a mismatch means it was edited). */
  async isKnown(id: string): Promise<boolean> {
    return (await this.read()).data?.recipes[id] !== undefined;
  }

  /** Records the confirmation of `hash` for `id` (replacing an older one). */
  trust(id: string, hash: string, file?: string): Promise<void> {
    const write = this.writes.then(async () => {
      const current = await this.read();
      if (current.unusable) await keepAside(this.file).catch(() => undefined);
      const next: TrustFile = { version: 1, recipes: { ...(current.data?.recipes ?? {}) } };
      next.recipes[id] = { hash, confirmedAt: new Date().toISOString(), ...(file ? { file } : {}) };
      await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`, { encoding: 'utf8' });
    });
    this.writes = write.catch(() => undefined);
    return write;
  }

  private async read(): Promise<{ data?: TrustFile; unusable?: boolean }> {
    try {
      if ((await stat(this.file)).size > MAX_FILE_BYTES) return { unusable: true };
      const parsed = FileSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      return parsed.success
        ? {
            data: { version: 1, recipes: Object.assign(Object.create(null) as Record<string, z.infer<typeof Entry>>, parsed.data.recipes) },
          }
        : { unusable: true };
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? {} : { unusable: true };
    }
  }
}
