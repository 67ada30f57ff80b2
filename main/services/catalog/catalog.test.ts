import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecipeSchema, type RecipeInput } from '../../../shared/recipe';
import { tempDir } from '../../../test/temp-dir';
import { BUILTIN_RECIPES } from '../../builtin-recipes/builtin';
import { Catalog } from './catalog';
import { placeholdersIn, recipeTemplates } from '../supervision/placeholders';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'recipes');

/** A catalog over the real built-ins and a fresh providers.d holding the named fixtures. */
async function catalogWith(...fixtures: string[]) {
  const userDir = path.join(await tempDir(), 'config', 'providers.d');
  await mkdir(userDir, { recursive: true });
  for (const name of fixtures) await copyFile(path.join(FIXTURES, name), path.join(userDir, name));
  const catalog = await Catalog.load({ builtins: BUILTIN_RECIPES, userDir });
  return { catalog, userDir, file: (name: string) => path.join(userDir, name) };
}

const userIds = (catalog: Catalog) =>
  catalog
    .list()
    .filter((e) => e.origin === 'user')
    .map((e) => e.recipe.id);

describe('Catalog', () => {
  it('loads every built-in, in order, when providers.d does not exist', async () => {
    const catalog = await Catalog.load({ builtins: BUILTIN_RECIPES, userDir: path.join(await tempDir(), 'missing', 'providers.d') });
    expect(catalog.problems).toEqual([]);
    expect(catalog.list().map((e) => e.recipe.id)).toEqual(BUILTIN_RECIPES.map((r) => r.id));
    expect(catalog.list().every((e) => e.origin === 'builtin' && e.file === undefined)).toBe(true);
  });

  it('says what {model} means in every built-in that takes one', () => {
    for (const recipe of BUILTIN_RECIPES.map((input) => RecipeSchema.parse(input))) {
      const usesModel = recipe.id === 'engine' || recipeTemplates(recipe).some(({ text }) => placeholdersIn(text).includes('model'));
      expect(recipe.modelInput !== undefined, recipe.id).toBe(usesModel);
    }
  });

  it('resolves aliases to the canonical recipe', async () => {
    const { catalog } = await catalogWith();
    expect(catalog.get('koboldai')?.recipe.id).toBe('koboldcpp');
    expect(catalog.get('koboldcpp')?.recipe.id).toBe('koboldcpp');
    expect(catalog.get('nope')).toBeUndefined();
  });

  it('adds a good user recipe after the built-ins, with its file, defaults filled in', async () => {
    const { catalog, file } = await catalogWith('good.yaml');
    expect(catalog.problems).toEqual([]);
    const entry = catalog.get('swap');
    expect(entry).toMatchObject({ origin: 'user', file: file('good.yaml'), recipe: { id: 'my-llama-swap', defaultPort: 8080 } });
    expect(entry!.recipe.health).toMatchObject({ method: 'GET', status: [200], timeoutMs: 3000 });
    expect(entry!.recipe.platforms[0]).toEqual({ os: 'linux', arch: ['x64', 'arm64'] });
    expect(catalog.list().at(-1)?.recipe.id).toBe('my-llama-swap');
  });

  it('reports a YAML syntax error with its line and column, and still loads the other files', async () => {
    const { catalog, file } = await catalogWith('bad-syntax.yaml', 'good.yaml');
    expect(catalog.problems).toHaveLength(1);
    const [problem] = catalog.problems;
    expect(problem).toMatchObject({ file: file('bad-syntax.yaml'), hint: expect.stringMatching(/Fix the YAML/) });
    expect(problem!.field).toBeUndefined();
    expect(problem!.message).toMatch(/^YAML syntax error at line \d+, column \d+: .*quote/);
    expect(userIds(catalog)).toEqual(['my-llama-swap']);
  });

  it('names each field of the wrong type, with what it must be and a hint', async () => {
    const { catalog, file } = await catalogWith('wrong-types.yaml');
    expect(catalog.problems).toEqual([
      {
        file: file('wrong-types.yaml'),
        field: 'defaultPort',
        message: '`defaultPort` must be a number, not the text "8000".',
        hint: 'Write the number without quotes.',
      },
      {
        file: file('wrong-types.yaml'),
        field: 'start.0.argv',
        message: '`start.0.argv` must be a list, not the text "my-server --port {port}".',
        hint: expect.stringMatching(/one item per "- " line: commands are argument lists, never one string for a shell/),
      },
    ]);
    expect(catalog.get('wrong-types')).toBeUndefined();
  });

  it('names each missing required field', async () => {
    const { catalog, file } = await catalogWith('missing-fields.yaml');
    expect(catalog.problems.map((p) => [p.field, p.message])).toEqual([
      ['name', '`name` is missing.'],
      ['defaultPort', '`defaultPort` is missing.'],
      ['health', '`health` is missing.'],
    ]);
    expect(catalog.problems.every((p) => p.file === file('missing-fields.yaml') && /required/.test(p.hint))).toBe(true);
  });

  it('refuses unknown fields, suggesting the likely one and listing those allowed', async () => {
    const { catalog } = await catalogWith('unknown-fields.yaml');
    const byField = new Map(catalog.problems.map((p) => [p.field, p]));
    expect(byField.get('colour')?.message).toBe('`colour` is not a recipe field.');
    expect(byField.get('colour')?.hint).toMatch(/Fields here: id, aliases, name, /);
    expect(byField.get('start.0.args')?.message).toBe('`start.0.args` is not a recipe field.');
    expect(byField.get('start.0.args')?.hint).toMatch(/^Did you mean `argv`\? Fields here: name, argv, env, cwd, readyCheck\./);
    // The process then also lacks its argv.
    expect(byField.get('start.0.argv')?.message).toBe('`start.0.argv` is missing.');
  });

  it('lists the allowed values of an enum and of the install strategy', async () => {
    const { catalog } = await catalogWith('bad-values.yaml');
    expect(catalog.problems.map((p) => [p.field, p.message])).toEqual([
      ['api', '`api` is the text "grpc"; it must be one of "openai", "ollama", "kobold".'],
      [
        'install.strategy',
        '`install.strategy` is the text "docker"; it must be one of "git", "python", "binary", "external", "none", "builtin".',
      ],
    ]);
  });

  it('names a missing enum field and a missing install strategy with their allowed values, and loads the other files', async () => {
    const { catalog, userDir, file } = await catalogWith('good.yaml');
    const text = (await readFile(file('good.yaml'), 'utf8')).replace(/^api:.*\n/m, '').replace(/strategy: \w+/, 'repository: x');
    await writeFile(path.join(userDir, 'no-api.yaml'), text.replace(/^id: .*$/m, 'id: no-api').replace(/^aliases:.*\n/m, ''));
    await catalog.reload();
    const messages = catalog.problems.filter((p) => p.file.endsWith('no-api.yaml')).map((p) => p.message);
    expect(messages).toContain('`api` is missing; it must be one of "openai", "ollama", "kobold".');
    expect(messages.some((m) => m.startsWith('`install.strategy` is missing; it must be one of "git"'))).toBe(true);
    expect(userIds(catalog)).toEqual(['my-llama-swap']);
  });

  it('refuses placeholders that can never get a value', async () => {
    const { catalog, file } = await catalogWith('unknown-placeholder.yaml');
    expect(catalog.problems).toEqual([
      expect.objectContaining({
        file: file('unknown-placeholder.yaml'),
        field: 'start.0.argv.2',
        message: '{modelPath} in `start.0.argv.2` is not a known placeholder.',
      }),
      expect.objectContaining({
        field: 'start.0.argv.4',
        message: '{ports.metrics} in `start.0.argv.4` names the extra port "metrics", which extraPorts does not declare.',
      }),
    ]);
    expect(catalog.problems[0]!.hint).toMatch(/\{model\}/);
  });

  it('never lets a user recipe shadow a built-in id', async () => {
    const { catalog, file } = await catalogWith('shadow-id.yaml');
    expect(catalog.problems).toEqual([
      {
        file: file('shadow-id.yaml'),
        field: 'id',
        message: 'The id "ollama" shadows the built-in Ollama; give it another id. This file is not loaded.',
        hint: expect.stringMatching(/never replace built-ins.*"ollama-custom"/),
      },
    ]);
    expect(catalog.get('ollama')?.origin).toBe('builtin');
    expect(userIds(catalog)).toEqual([]);
  });

  it('never lets a user alias shadow a built-in alias', async () => {
    const { catalog, file } = await catalogWith('shadow-alias.yaml');
    expect(catalog.problems).toEqual([
      expect.objectContaining({
        file: file('shadow-alias.yaml'),
        field: 'aliases.0',
        message: 'The alias "koboldai" shadows the built-in KoboldCpp (koboldcpp); give it another alias. This file is not loaded.',
      }),
    ]);
    expect(catalog.get('koboldai')?.recipe.id).toBe('koboldcpp');
    expect(catalog.get('my-kobold')).toBeUndefined();
  });

  it('loads neither of two user files with the same id, and reports both', async () => {
    const { catalog, file } = await catalogWith('twin-a.yaml', 'twin-b.yaml', 'good.yaml');
    expect(catalog.problems).toEqual([
      {
        file: file('twin-a.yaml'),
        field: 'id',
        message: '"twin" is also used by twin-b.yaml; neither file is loaded until the names differ.',
        hint: 'Give each user recipe its own id and aliases.',
      },
      {
        file: file('twin-b.yaml'),
        field: 'id',
        message: '"twin" is also used by twin-a.yaml; neither file is loaded until the names differ.',
        hint: 'Give each user recipe its own id and aliases.',
      },
    ]);
    expect(catalog.get('twin')).toBeUndefined();
    expect(userIds(catalog)).toEqual(['my-llama-swap']);
  });

  it('reports an empty file and a file that is not a mapping', async () => {
    const { catalog, userDir, file } = await catalogWith();
    await writeFile(path.join(userDir, 'empty.yaml'), '# nothing yet\n');
    await writeFile(path.join(userDir, 'list.yml'), '- id: a\n');
    await catalog.reload();
    expect(catalog.problems).toEqual([
      expect.objectContaining({ file: file('empty.yaml'), message: 'The file is empty.' }),
      expect.objectContaining({ file: file('list.yml'), message: expect.stringMatching(/must be a YAML mapping.*not a list/) }),
    ]);
  });

  it('reports a recipe file over 1 MiB as a problem without parsing it, and still loads the others', async () => {
    const { catalog, userDir, file } = await catalogWith('good.yaml');
    // Valid YAML all the way, so only the size can be what stops it.
    await writeFile(path.join(userDir, 'huge.yaml'), `id: huge\n${'# padding\n'.repeat(120_000)}`);
    await catalog.reload();
    expect(catalog.problems).toEqual([
      {
        file: file('huge.yaml'),
        message: `${file('huge.yaml')} is 1.1 MiB, over the 1 MiB this app reads from such a file; it was not read.`,
        hint: expect.stringContaining('shrink it below 1 MiB'),
      },
    ]);
    expect(userIds(catalog)).toEqual(['my-llama-swap']);
  });

  it('ignores other files and hidden editor files', async () => {
    const { catalog, userDir } = await catalogWith('good.yaml');
    await writeFile(path.join(userDir, 'notes.txt'), 'not a recipe');
    await writeFile(path.join(userDir, '.good.yaml.swp'), 'swap');
    await writeFile(path.join(userDir, '.hidden.yaml'), 'id: [');
    await catalog.reload();
    expect(catalog.problems).toEqual([]);
    expect(userIds(catalog)).toEqual(['my-llama-swap']);
  });

  it('picks up added, fixed and removed files on reload', async () => {
    const { catalog, userDir } = await catalogWith('bad-syntax.yaml');
    expect(catalog.problems).toHaveLength(1);
    await rm(path.join(userDir, 'bad-syntax.yaml'));
    await copyFile(path.join(FIXTURES, 'good.yaml'), path.join(userDir, 'good.yaml'));
    await catalog.reload();
    expect(catalog.problems).toEqual([]);
    expect(catalog.get('swap')?.recipe.id).toBe('my-llama-swap');
    await rm(path.join(userDir, 'good.yaml'));
    await catalog.reload();
    expect(catalog.get('swap')).toBeUndefined();
  });

  it('reports a providers.d that is not a folder instead of failing', async () => {
    const dir = await tempDir();
    const userDir = path.join(dir, 'providers.d');
    await writeFile(userDir, 'oops');
    const catalog = await Catalog.load({ builtins: BUILTIN_RECIPES, userDir });
    expect(catalog.problems).toEqual([
      expect.objectContaining({ file: userDir, message: expect.stringMatching(/^Could not read the folder/) }),
    ]);
    expect(catalog.list()).toHaveLength(BUILTIN_RECIPES.length);
  });

  it('throws on a broken built-in: that is a bug, not a user problem', async () => {
    const userDir = await tempDir();
    const broken = { ...BUILTIN_RECIPES[0]!, defaultPort: 0 } satisfies RecipeInput;
    await expect(Catalog.load({ builtins: [broken], userDir })).rejects.toThrow(/Built-in recipe "engine" is invalid[\s\S]*defaultPort/);
    const twice = [BUILTIN_RECIPES[1]!, { ...BUILTIN_RECIPES[2]!, aliases: ['ollama'] }];
    await expect(Catalog.load({ builtins: twice, userDir })).rejects.toThrow(/"ollama" and "llamacpp" both use the name "ollama"/);
    const odd = { ...BUILTIN_RECIPES[0]!, start: [{ name: 'server', argv: ['x', '{nope}'] }] };
    await expect(Catalog.load({ builtins: [odd], userDir })).rejects.toThrow(/\{nope\} in start\.0\.argv\.1 is not a known placeholder/);
  });
});
