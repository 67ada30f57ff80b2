import { isDeepStrictEqual } from 'node:util';
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { AppFailure } from '../../../shared/errors';
import type { HelixProviderEntry } from '../../../shared/backup';

type Field = 'type' | 'endpoint' | 'models' | 'enabled';
const FIELDS: Field[] = ['type', 'endpoint', 'models', 'enabled'];

/**
 * Merges the entries into HelixCode's config.yaml (its text, or none for a new file), so every
 * other key, comment and blank line stays byte for byte: the file is parsed with yaml's Document
 * API to find where things are, and only the values that change are spliced into the original
 * text (re-printing the whole document would re-space flow lists and quotes it did not touch).
 * - an entry's own fields (type, endpoint, models, enabled) are set; other fields the user added
 *   stay; a value that did not change is not rewritten;
 * - a new entry goes after the last one in llm.providers;
 * - an entry under the id of a known provider that is not installed any more is set
 *   `enabled: false`, not deleted: it may be the user's own, and nothing of theirs is lost.
 * A file laid out in flow style (`llm: {…}`) is merged through the Document and re-printed.
 * Refuses a file that does not parse, or whose llm / llm.providers is not a map.
 */
export function mergeHelixConfig(
  text: string | undefined,
  entries: readonly HelixProviderEntry[],
  knownKeys: readonly string[],
  where = 'config.yaml',
): string {
  const source = text ?? '';
  const doc = parseDocument(source);
  if (doc.errors.length > 0)
    throw new AppFailure({
      code: 'BAD_REQUEST',
      message: `${where} does not parse as YAML: ${doc.errors[0]!.message.split('\n')[0]}`,
      hint: 'Fix the YAML first; nothing was written.',
    });
  const root = doc.contents;
  if (root !== null && !isMap(root)) throw notAMap(where);
  const llm = root?.get('llm', true);
  if (llm !== undefined && !isMap(llm) && !isEmpty(llm)) throw notAMap(where, 'llm');
  const providers = isMap(llm) ? llm.get('providers', true) : undefined;
  if (providers !== undefined && !isMap(providers) && !isEmpty(providers)) throw notAMap(where, 'llm.providers');

  const splicer = new Splicer(source);
  const ok =
    (root === null || !root.flow) &&
    (!isMap(llm) || !llm.flow) &&
    (!isMap(providers) || !providers.flow) &&
    !isEmpty(llm) &&
    !isEmpty(providers) &&
    spliceEntries(splicer, root, llm as YAMLMap | undefined, providers as YAMLMap | undefined, entries, knownKeys);
  return ok ? splicer.result() : viaDocument(doc, entries, knownKeys);
}

function spliceEntries(
  s: Splicer,
  root: YAMLMap | null,
  llm: YAMLMap | undefined,
  providers: YAMLMap | undefined,
  entries: readonly HelixProviderEntry[],
  knownKeys: readonly string[],
): boolean {
  const fresh: HelixProviderEntry[] = [];
  for (const entry of entries) {
    const pair = providers && pairOf(providers, entry.key);
    if (!pair) {
      fresh.push(entry);
      continue;
    }
    if (!isMap(pair.value) || pair.value.flow) return false;
    const map = pair.value;
    const missing: string[] = [];
    for (const field of FIELDS) {
      // A provider that is not running does not say its models: the ones written before stay.
      if (field === 'models' && !entry.enabled && pairOf(map, 'models')) continue;
      const fieldPair = pairOf(map, field);
      if (!fieldPair) missing.push(`${field}: ${render(entry[field])}`);
      else if (!s.setValue(fieldPair, entry[field])) return false;
    }
    if (missing.length > 0 && !s.appendLines(map, missing)) return false;
  }
  const written = new Set(entries.map((e) => e.key));
  for (const key of knownKeys) {
    if (written.has(key) || !providers) continue;
    const pair = pairOf(providers, key);
    if (!pair || !isMap(pair.value)) continue;
    const enabled = pairOf(pair.value, 'enabled');
    if (enabled ? !s.setValue(enabled, false) : !s.appendLines(pair.value, ['enabled: false'])) return false;
  }
  if (fresh.length === 0) return true;
  const block = (e: HelixProviderEntry) => [`${e.key}:`, ...FIELDS.map((f) => `  ${f}: ${render(e[f])}`)];
  // The spec's example keeps a blank line between provider entries.
  if (providers)
    return s.appendLines(
      providers,
      fresh.flatMap((e, i) => (i > 0 ? ['', ...block(e)] : block(e))),
      { blankBefore: isMap((providers.items.at(-1) as Pair | undefined)?.value) },
    );
  if (llm) return s.appendLines(llm, ['providers:', ...fresh.flatMap(block).map((l) => `  ${l}`)]);
  s.appendAtEnd(['llm:', '  providers:', ...fresh.flatMap(block).map((l) => `    ${l}`)]);
  void root;
  return true;
}

/** Edits to the original text, applied last to first so earlier offsets stay right. */
class Splicer {
  private edits: { start: number; end: number; text: string }[] = [];
  constructor(private readonly src: string) {}

  /** Replaces a pair's value (a scalar or a list) with `value`; unchanged values are left alone. */
  setValue(pair: Pair, value: unknown): boolean {
    const node = pair.value as Node | null;
    const plain = node && typeof node === 'object' && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : node;
    if (isDeepStrictEqual(plain, value)) return true;
    const keyNode = pair.key as Node;
    if (node && node.range) {
      this.edits.push({ start: node.range[0], end: node.range[1], text: render(value) });
      return true;
    }
    if (!keyNode.range) return false;
    const colon = this.src.indexOf(':', keyNode.range[1]);
    if (colon < 0) return false;
    this.edits.push({ start: colon + 1, end: colon + 1, text: ` ${render(value)}` });
    return true;
  }

  /** New `key: value` lines at the end of a block map, at its keys' indentation. */
  appendLines(map: YAMLMap, lines: string[], options: { blankBefore?: boolean } = {}): boolean {
    const last = map.items.at(-1);
    const first = map.items[0];
    if (!isPair(last) || !isPair(first)) return false;
    const firstKey = first.key as Node;
    const end = lastValueEnd(last);
    if (!firstKey.range || end === undefined) return false;
    const indent = firstKey.range[0] - this.lineStart(firstKey.range[0]);
    const at = this.lineEnd(end);
    const lead = (at > 0 && this.src[at - 1] !== '\n' ? '\n' : '') + (options.blankBefore ? '\n' : '');
    this.edits.push({ start: at, end: at, text: `${lead}${lines.map((l) => (l ? `${' '.repeat(indent)}${l}\n` : '\n')).join('')}` });
    return true;
  }

  appendAtEnd(lines: string[]): void {
    const at = this.src.length;
    const lead = at > 0 && !this.src.endsWith('\n') ? '\n' : '';
    this.edits.push({ start: at, end: at, text: `${lead}${lines.map((l) => `${l}\n`).join('')}` });
  }

  result(): string {
    let out = this.src;
    for (const edit of [...this.edits].sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
    return out;
  }

  private lineStart(pos: number): number {
    return this.src.lastIndexOf('\n', pos - 1) + 1;
  }

  /** Just past the end of the line `pos` is on (past its comment and newline). */
  private lineEnd(pos: number): number {
    const newline = this.src.indexOf('\n', pos);
    return newline < 0 ? this.src.length : newline + 1;
  }
}

/** Where the last value of a pair ends (its deepest last scalar), before any comment after it. */
function lastValueEnd(pair: Pair): number | undefined {
  let node = (pair.value ?? pair.key) as Node | null;
  while (node && (isMap(node) || isSeq(node)) && node.items.length > 0) {
    const item = node.items.at(-1) as Pair | Node;
    node = (isPair(item) ? (item.value ?? item.key) : item) as Node | null;
  }
  return node?.range?.[1];
}

/** Words YAML would read as something other than a string. */
const NOT_PLAIN = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

/**
 * A value as YAML: a name (vllm) plain as the spec writes it, other strings double-quoted (JSON's
 * quoting is valid YAML), lists in flow style (models: ["a"]).
 */
function render(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === 'string' ? JSON.stringify(v) : render(v))).join(', ')}]`;
  if (typeof value === 'string') return /^[A-Za-z][A-Za-z0-9_-]*$/.test(value) && !NOT_PLAIN.test(value) ? value : JSON.stringify(value);
  return String(value);
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === key) as Pair | undefined;
}

function isEmpty(node: unknown): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/** The fallback for flow-style or empty sections: the same merge on the Document, re-printed. */
function viaDocument(doc: Document, entries: readonly HelixProviderEntry[], knownKeys: readonly string[]): string {
  if (doc.contents === null) doc.contents = doc.createNode({}) as never;
  const root = doc.contents as unknown as YAMLMap;
  const mapIn = (parent: YAMLMap, key: string): YAMLMap => {
    const found: unknown = parent.get(key, true);
    if (isMap(found)) return found;
    const fresh = doc.createNode({}) as YAMLMap;
    parent.set(key, fresh);
    return fresh;
  };
  const map = mapIn(mapIn(root, 'llm'), 'providers');
  for (const entry of entries) {
    const node = mapIn(map, entry.key);
    const fields = node as YAMLMap;
    for (const field of FIELDS) {
      if (field === 'models' && !entry.enabled && fields.has('models')) continue;
      const current = fields.get(field);
      const plain = current && typeof current === 'object' && 'toJSON' in current ? (current as { toJSON(): unknown }).toJSON() : current;
      if (!isDeepStrictEqual(plain, entry[field]))
        fields.set(field, field === 'models' ? doc.createNode(entry.models, { flow: true }) : entry[field]);
    }
  }
  const written = new Set(entries.map((e) => e.key));
  for (const key of knownKeys) {
    const node = map.get(key, true);
    if (!written.has(key) && isMap(node) && node.get('enabled') !== false) node.set('enabled', false);
  }
  return doc.toString({ lineWidth: 0 });
}

/** `what` is the key whose value is not a mapping; without it, the whole file is not one (most likely not HelixCode's config). */
function notAMap(where: string, what?: string): AppFailure {
  return new AppFailure({
    code: 'BAD_REQUEST',
    message: `${what ? `${what} in ${where}` : where} is not a mapping of keys, so llm.providers cannot be merged into it.`,
    hint: what
      ? `Make ${what} a mapping (key: value lines), or export without --write and paste the block by hand; nothing was written.`
      : "Name HelixCode's config/config.yaml (a file of key: value lines), or export without --write and paste the block by hand; nothing was written.",
  });
}
