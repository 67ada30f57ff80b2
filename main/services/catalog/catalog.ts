import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { closestName } from '../../../shared/closest-name';
import { AppFailure } from '../../../shared/errors';
import type { CatalogProblem } from '../../../shared/provider';
import { RecipeSchema, unstatedChecksums, type ProviderRecipe, type RecipeInput } from '../../../shared/recipe';
import { badPlaceholders, PLACEHOLDER_HINT } from '../supervision/placeholders';
import { READ_CAPS, readCappedFile } from '../os/read-capped-file';

export interface CatalogEntry {
  recipe: ProviderRecipe;
  origin: 'builtin' | 'user';
  /** The YAML file, for user recipes. */
  file?: string;
}

export interface CatalogOptions {
  builtins: readonly RecipeInput[];
  /** `<base>/config/providers.d`; it need not exist. */
  userDir: string;
}

/**
 * Built-in recipes plus the user's from `config/providers.d/*.yaml`. A bad user file is reported
 * (file, field, reason, hint) and skipped while the others load; a broken built-in is a bug and
 * throws. A user recipe never replaces a built-in, and two user files claiming one id are both
 * left out: which one won would otherwise depend on file names.
 */
export class Catalog {
  private entries: CatalogEntry[] = [];
  private byName = new Map<string, CatalogEntry>();
  private found: CatalogProblem[] = [];

  private constructor(
    private readonly builtins: readonly CatalogEntry[],
    readonly userDir: string,
  ) {}

  static async load(options: CatalogOptions): Promise<Catalog> {
    const catalog = new Catalog(validateBuiltins(options.builtins), options.userDir);
    await catalog.reload();
    return catalog;
  }

  /** Re-reads the user recipes; built-ins are fixed for the life of the process. */
  async reload(): Promise<void> {
    const { entries, problems } = await loadUserRecipes(this.userDir, this.builtins);
    this.entries = [...this.builtins, ...entries];
    this.byName = new Map(this.entries.flatMap((entry) => namesOf(entry.recipe).map((name) => [name, entry] as const)));
    this.found = problems;
  }

  list(): CatalogEntry[] {
    return [...this.entries];
  }

  /** By id or alias; an alias gives the canonical recipe. */
  get(idOrAlias: string): CatalogEntry | undefined {
    return this.byName.get(idOrAlias);
  }

  get problems(): CatalogProblem[] {
    return [...this.found];
  }
}

const namesOf = (recipe: ProviderRecipe) => [recipe.id, ...recipe.aliases];

function validateBuiltins(inputs: readonly RecipeInput[]): CatalogEntry[] {
  const seen = new Map<string, string>();
  return inputs.map((input) => {
    const parsed = RecipeSchema.safeParse(input);
    if (!parsed.success) throw new Error(`Built-in recipe "${input.id}" is invalid:\n${z.prettifyError(parsed.error)}`);
    const recipe = parsed.data;
    const bad = badPlaceholders(recipe);
    if (bad.length > 0)
      throw new Error(`Built-in recipe "${recipe.id}": ${bad.map((b) => `{${b.name}} in ${b.where} ${b.reason}`).join('; ')}`);
    const unstated = unstatedChecksums(recipe);
    if (unstated.length > 0)
      throw new Error(
        `Built-in recipe "${recipe.id}" downloads without stating a sha256 (a value, or null for "not known yet"): ${unstated.join(', ')}`,
      );
    for (const name of namesOf(recipe)) {
      if (seen.has(name)) throw new Error(`Built-in recipes "${seen.get(name)}" and "${recipe.id}" both use the name "${name}"`);
      seen.set(name, recipe.id);
    }
    return { recipe, origin: 'builtin' };
  });
}

interface Loaded {
  entries: CatalogEntry[];
  problems: CatalogProblem[];
}

async function loadUserRecipes(dir: string, builtins: readonly CatalogEntry[]): Promise<Loaded> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((d) => !d.isDirectory() && /\.ya?ml$/i.test(d.name) && !d.name.startsWith('.'))
      .map((d) => d.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], problems: [] };
    const message = `Could not read the folder of user recipes: ${(error as Error).message}`;
    return {
      entries: [],
      problems: [{ file: dir, message, hint: 'Check its permissions; the built-in providers are available meanwhile.' }],
    };
  }
  const problems: CatalogProblem[] = [];
  const candidates: CatalogEntry[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    // A file this code fails to judge is that file's problem, never the catalog's: the rest still load.
    const result = await readRecipeFile(file).catch((error: unknown) => ({
      problems: [
        {
          file,
          message: `Could not check it: ${(error as Error).message}.`,
          hint: 'Compare it with the example in the README (Custom providers); this is also a bug in Local LLM Manager worth reporting.',
        },
      ],
    }));
    if ('problems' in result) problems.push(...result.problems);
    else candidates.push({ recipe: result.recipe, origin: 'user', file });
  }
  const shadowing = candidates.filter((entry) => {
    const found = shadowProblems(entry, builtins);
    problems.push(...found);
    return found.length === 0;
  });
  const clashes = duplicateProblems(shadowing);
  problems.push(...clashes);
  const clashing = new Set(clashes.map((p) => p.file));
  return { entries: shadowing.filter((entry) => !clashing.has(entry.file!)), problems };
}

async function readRecipeFile(file: string): Promise<{ recipe: ProviderRecipe } | { problems: CatalogProblem[] }> {
  let text: string;
  try {
    text = await readCappedFile(file, READ_CAPS.recipe);
  } catch (error) {
    // Too big: the reader's own message names the size, the cap and the fix.
    if (error instanceof AppFailure) return { problems: [{ file, message: error.message, hint: error.hint ?? '' }] };
    return { problems: [{ file, message: `Could not read it: ${(error as Error).message}`, hint: 'Check the file permissions.' }] };
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) return { problems: doc.errors.map((e) => syntaxProblem(file, e)) };
  return checkUserRecipe(doc.toJS(), file);
}

/**
 * A user recipe's data (parsed YAML, or an object a script hands to `providers.define`) checked as
 * the catalog checks a file: the schema, then placeholders. Problems name the file and field.
 */
export function checkUserRecipe(data: unknown, file: string): { recipe: ProviderRecipe } | { problems: CatalogProblem[] } {
  if (data === null || data === undefined) {
    return {
      problems: [
        { file, message: 'The file is empty.', hint: 'Write a recipe (id, name, defaultPort, start, health, …) or delete the file.' },
      ],
    };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    const message = `A recipe must be a YAML mapping of fields (id: …, name: …), not ${Array.isArray(data) ? 'a list' : `a ${typeof data}`}.`;
    return { problems: [{ file, message, hint: 'Write one recipe per file, as "field: value" lines.' }] };
  }
  const parsed = RecipeSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) return { problems: parsed.error.issues.flatMap((issue) => issueProblems(file, issue, data)) };
  const placeholderProblems = badPlaceholders(parsed.data).map(({ where, name, reason }): CatalogProblem => ({
    file,
    field: where,
    message: `{${name}} in \`${where}\` ${reason}.`,
    hint: PLACEHOLDER_HINT,
  }));
  return placeholderProblems.length > 0 ? { problems: placeholderProblems } : { recipe: parsed.data };
}

interface YamlError {
  message: string;
  linePos?: [{ line: number; col: number }] | [{ line: number; col: number }, { line: number; col: number }];
}

function syntaxProblem(file: string, error: YamlError): CatalogProblem {
  const at = error.linePos?.[0];
  // yaml's message is "<reason> at line L, column C:" followed by the offending lines.
  const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const where = at ? ` at line ${at.line}, column ${at.col}` : '';
  return { file, message: `YAML syntax error${where}: ${reason}.`, hint: 'Fix the YAML; the file is skipped until it parses.' };
}

function issueProblems(file: string, issue: z.core.$ZodIssue, data: object): CatalogProblem[] {
  const field = issue.path.map(String).join('.');
  const name = field ? `\`${field}\`` : 'The recipe';
  const problem = (message: string, hint: string, at = field): CatalogProblem => ({ file, ...(at ? { field: at } : {}), message, hint });
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const at = [...issue.path.map(String), key].join('.');
        const known = knownFields(issue.path, data);
        const guess = known && closestName(key, known);
        const hint = `${guess ? `Did you mean \`${guess}\`? ` : ''}${known ? `Fields here: ${known.join(', ')}.` : 'Remove it.'} Unknown fields are refused so a typo cannot pass unnoticed.`;
        return problem(`\`${at}\` is not a recipe field.`, hint, at);
      });
    case 'invalid_type':
      if (issue.input === undefined)
        return [
          problem(
            `${name} is missing.`,
            `Add ${field ? `"${field.split('.').at(-1)}"` : 'it'} (${describeType(issue.expected)}); it is required.`,
          ),
        ];
      return [
        problem(
          `${name} must be ${describeType(issue.expected)}, not ${describeValue(issue.input)}.`,
          typeHint(issue.expected, issue.input),
        ),
      ];
    case 'invalid_value':
      return [
        problem(
          `${name} is ${describeValue(issue.input)}; it must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`,
          'Use one of the listed values.',
        ),
      ];
    case 'invalid_union': {
      // A discriminated union names the allowed discriminator values (install.strategy).
      const { options, discriminator } = issue as { options?: unknown; discriminator?: string };
      if (Array.isArray(options)) {
        const allowed = options.map((v) => JSON.stringify(v)).join(', ');
        const input = issue.input as Record<string, unknown> | undefined;
        const got = discriminator && input && typeof input === 'object' ? input[discriminator] : input;
        return [problem(`${name} is ${describeValue(got)}; it must be one of ${allowed}.`, 'Use one of the listed values.')];
      }
      return [problem(`${name} does not match any allowed shape.`, 'Compare it with the recipe reference in shared/recipe.ts.')];
    }
    default: {
      // Our schema's own messages read on from the field name ("must be …"); zod's start a sentence.
      const reads = /^[a-z]/.test(issue.message) ? `${name} ${issue.message}` : `${name}: ${issue.message}`;
      return [problem(`${reads.replace(/\.$/, '')}.`, 'Correct the value and save; the catalog reloads it.')];
    }
  }
}

/** Field names the schema allows where an unknown key was found, following the data through unions. */
function knownFields(at: readonly PropertyKey[], data: object): string[] | undefined {
  let schema: z.core.$ZodType = RecipeSchema;
  let value: unknown = data;
  for (const key of [...at, undefined]) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodDiscriminatedUnion) {
      const option = (schema.options as z.ZodObject[]).find((o) => fieldMatches(o, value));
      if (!option) return undefined;
      schema = option;
    }
    if (key === undefined) return schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined;
    value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
    if (schema instanceof z.ZodObject) schema = schema.shape[String(key)];
    else if (schema instanceof z.ZodArray) schema = schema.element;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType;
    else return undefined;
    if (!schema) return undefined;
  }
  return undefined;
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable)
    current = current.unwrap();
  return current;
}

/** The union member whose literal fields (the discriminator) accept the value. */
function fieldMatches(option: z.ZodObject, value: unknown): boolean {
  const record = (value ?? {}) as Record<string, unknown>;
  return Object.entries(option.shape).every(([key, s]) => !(s instanceof z.ZodLiteral) || s.safeParse(record[key]).success);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

function describeType(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const shown =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? JSON.stringify(value) : String(value);
  const preview = shown.length > 40 ? `${shown.slice(0, 37)}…` : shown;
  return typeof value === 'string' ? `the text ${preview}` : `${typeof value} ${preview}`;
}

function typeHint(expected: string, got: unknown): string {
  if (expected === 'number' && typeof got === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(got)) return 'Write the number without quotes.';
  if (expected === 'array' && typeof got === 'string')
    return 'Write a list, one item per "- " line: commands are argument lists, never one string for a shell.';
  return `Change it to ${describeType(expected)}.`;
}

function shadowProblems(entry: CatalogEntry, builtins: readonly CatalogEntry[]): CatalogProblem[] {
  const { recipe, file } = entry;
  return namesOf(recipe).flatMap((name, index) => {
    const builtin = builtins.find((b) => namesOf(b.recipe).includes(name));
    if (!builtin) return [];
    const field = index === 0 ? 'id' : `aliases.${index - 1}`;
    const what = index === 0 ? 'id' : 'alias';
    const of = builtin.recipe.id === name ? builtin.recipe.name : `${builtin.recipe.name} (${builtin.recipe.id})`;
    return [
      {
        file: file!,
        field,
        message: `The ${what} "${name}" shadows the built-in ${of}; give it another ${what}. This file is not loaded.`,
        hint: `User recipes add providers and never replace built-ins. Rename it (e.g. "${name}-custom"); to change a built-in's port or model, use its settings.`,
      },
    ];
  });
}

function duplicateProblems(entries: readonly CatalogEntry[]): CatalogProblem[] {
  const owners = new Map<string, CatalogEntry[]>();
  for (const entry of entries) for (const name of new Set(namesOf(entry.recipe))) owners.set(name, [...(owners.get(name) ?? []), entry]);
  return [...owners].flatMap(([name, claimants]) =>
    claimants.length < 2
      ? []
      : claimants.map((entry) => {
          const index = namesOf(entry.recipe).indexOf(name);
          const others = claimants.filter((c) => c !== entry).map((c) => path.basename(c.file!));
          return {
            file: entry.file!,
            field: index === 0 ? 'id' : `aliases.${index - 1}`,
            message: `"${name}" is also used by ${others.join(', ')}; neither file is loaded until the names differ.`,
            hint: 'Give each user recipe its own id and aliases.',
          };
        }),
  );
}
