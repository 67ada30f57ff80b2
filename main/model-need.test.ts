import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecipeSchema } from '../shared/recipe';
import { tempDir } from '../test/temp-dir';
import { BUILTIN_RECIPES } from './builtin-recipes/builtin';
import { modelNeedOf } from './model-need';

const recipe = (id: string) => RecipeSchema.parse(BUILTIN_RECIPES.find((r) => r.id === id));

async function modelsDir(files: string[] = []): Promise<string> {
  const dir = path.join(await tempDir(), 'models');
  await mkdir(dir, { recursive: true });
  for (const f of files) await writeFile(path.join(dir, f), 'GGUF');
  return dir;
}

describe('modelNeedOf', () => {
  it('a recipe that uses {model} needs one chosen, and says how for its kind of model', async () => {
    const dir = await modelsDir(['a.gguf']);
    const llama = modelNeedOf(recipe('llamacpp'), undefined, dir);
    expect(llama).toMatchObject({ kind: 'none-chosen' });
    expect(llama?.hint).toMatch(/GGUF/);
    const vllm = modelNeedOf(recipe('vllm'), undefined, dir);
    expect(vllm).toMatchObject({ kind: 'none-chosen' });
    expect(vllm?.hint).toMatch(/Hugging Face repository/);
    expect(modelNeedOf(recipe('vllm'), 'Qwen/Qwen2.5-0.5B-Instruct', dir)).toBeUndefined();
  });

  it('a chosen GGUF must be on disk, in the models folder or at its absolute path', async () => {
    const dir = await modelsDir(['here.gguf']);
    expect(modelNeedOf(recipe('llamacpp'), 'here.gguf', dir)).toBeUndefined();
    expect(modelNeedOf(recipe('llamacpp'), path.join(dir, 'here.gguf'), dir)).toBeUndefined();
    const gone = modelNeedOf(recipe('llamacpp'), 'gone.gguf', dir);
    expect(gone).toMatchObject({ kind: 'file-missing' });
    expect(gone?.message).toContain(path.join(dir, 'gone.gguf'));
    expect(modelNeedOf(recipe('koboldcpp'), '/nowhere/x.gguf', dir)).toMatchObject({ kind: 'file-missing' });
  });

  it('the built-in engine, which takes the first GGUF of the folder, needs one there or one chosen', async () => {
    const empty = await modelsDir(['notes.txt']);
    expect(modelNeedOf(recipe('engine'), undefined, empty)).toMatchObject({ kind: 'folder-empty' });
    expect(modelNeedOf(recipe('engine'), undefined, path.join(empty, 'missing-folder'))).toMatchObject({ kind: 'folder-empty' });
    expect(modelNeedOf(recipe('engine'), undefined, await modelsDir(['Tiny.GGUF']))).toBeUndefined();
    const other = path.join(await modelsDir(['elsewhere.gguf']), 'elsewhere.gguf');
    expect(modelNeedOf(recipe('engine'), other, empty)).toBeUndefined();
  });
});
