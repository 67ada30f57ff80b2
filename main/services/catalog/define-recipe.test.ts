import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isAppError } from '../../../shared/errors';
import { tempDir } from '../../../test/temp-dir';
import { BUILTIN_RECIPES } from '../../builtin-recipes/builtin';
import { Catalog } from './catalog';
import { defineUserRecipe } from './define-recipe';

const custom = {
  id: 'custom-llm',
  name: 'Custom LLM',
  description: 'Custom local LLM provider',
  homepage: 'https://github.com/user/custom-llm',
  defaultPort: 9999,
  api: 'openai',
  platforms: [{ os: 'linux' }],
  install: { strategy: 'none' },
  start: [{ name: 'server', argv: ['python3', 'server.py', '--port', '{port}'] }],
  health: { path: '/health' },
};

async function emptyCatalog() {
  const userDir = path.join(await tempDir(), 'config', 'providers.d');
  return Catalog.load({ builtins: BUILTIN_RECIPES, userDir });
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => {
      if (!isAppError(error)) throw error;
      return error;
    },
  );

describe('defineUserRecipe', () => {
  it('saves the given fields as providers.d/<id>.yaml and the catalog has it at once', async () => {
    const catalog = await emptyCatalog();
    const recipe = await defineUserRecipe(catalog, custom);
    expect(recipe.id).toBe('custom-llm');
    const file = path.join(catalog.userDir, 'custom-llm.yaml');
    expect(parse(await readFile(file, 'utf8'))).toEqual(custom);
    expect(catalog.get('custom-llm')).toMatchObject({ origin: 'user', file });
    // Defining it again replaces it (an edit, as by hand).
    await defineUserRecipe(catalog, { ...custom, defaultPort: 9998 });
    expect(catalog.get('custom-llm')?.recipe.defaultPort).toBe(9998);
  });

  it('refuses a bad recipe with the field and the fix, writing nothing', async () => {
    const catalog = await emptyCatalog();
    const error = await failure(defineUserRecipe(catalog, { ...custom, defaultPort: 'nine', startCmd: ['x'] }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('`startCmd` is not a recipe field.');
    expect(error.message).toContain('`defaultPort` must be');
    const placeholder = await failure(defineUserRecipe(catalog, { ...custom, start: [{ name: 's', argv: ['x', '{prot}'] }] }));
    expect(placeholder.message).toContain('{prot}');
    await expect(readdir(catalog.userDir)).rejects.toThrow(/ENOENT/);
  });

  it('never replaces a built-in, nor another file’s recipe', async () => {
    const catalog = await emptyCatalog();
    const builtin = await failure(defineUserRecipe(catalog, { ...custom, id: 'llamacpp' }));
    expect(builtin.code).toBe('CONFLICT');
    expect(builtin.message).toMatch(/^"llamacpp" is already the built-in provider /);
    await mkdir(catalog.userDir, { recursive: true });
    await writeFile(path.join(catalog.userDir, 'mine.yaml'), JSON.stringify({ ...custom, id: 'mine' }));
    await catalog.reload();
    const taken = await failure(defineUserRecipe(catalog, { ...custom, id: 'other', aliases: ['mine'] }));
    expect(taken.message).toContain(`"mine" is already defined by ${path.join(catalog.userDir, 'mine.yaml')}`);
    expect((await readdir(catalog.userDir)).sort()).toEqual(['mine.yaml']);
  });
});
