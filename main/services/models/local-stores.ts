import { open, readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelOrigin } from '../../../shared/provider';

/** A GGUF file that another app keeps: used in place by its absolute path, never copied. */
export interface LocalStoreModel {
  /** Absolute path of the GGUF bytes (for Hugging Face: the blob a snapshot link points to is read through the link). */
  path: string;
  origin: Exclude<ModelOrigin, 'models folder'>;
  /** The name the other app gives it: Ollama's `llama3.2:1b`, `org/repo/file.gguf`, … */
  originalName: string;
}

/** Where the other apps keep their models; injectable so tests build the layouts in temp dirs. */
export interface LocalStoreRoots {
  home: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

/** How far and how much one scan looks: a huge or looping tree must not stall the Models page. */
const MAX_DEPTH = 4;
const MAX_FILES = 500;
const MAX_MANIFEST_BYTES = 256 * 1024;
const OLLAMA_MODEL_LAYER = 'application/vnd.ollama.image.model';

export function defaultRoots(): LocalStoreRoots {
  return { home: process.env.HOME ?? process.env.USERPROFILE ?? '', env: process.env, platform: process.platform };
}

/** Every GGUF model the known stores hold, verified by its magic bytes; a store that is absent adds nothing. */
export async function scanLocalStores(roots: LocalStoreRoots = defaultRoots()): Promise<LocalStoreModel[]> {
  if (!roots.home) return [];
  const found = await Promise.all([lmStudio(roots), ollama(roots), llamaCppCache(roots), huggingFaceCache(roots)]);
  const seen = new Set<string>();
  const models: LocalStoreModel[] = [];
  for (const model of found.flat()) {
    if (seen.has(model.path) || models.length >= MAX_FILES) continue;
    seen.add(model.path);
    models.push(model);
  }
  return models;
}

/** LM Studio: `<models>/<publisher>/<repo>/*.gguf` (the current and the legacy folder). */
async function lmStudio({ home }: LocalStoreRoots): Promise<LocalStoreModel[]> {
  const dirs = [path.join(home, '.lmstudio', 'models'), path.join(home, '.cache', 'lm-studio', 'models')];
  const models: LocalStoreModel[] = [];
  for (const dir of dirs) {
    for (const file of await ggufFilesUnder(dir)) {
      models.push({ path: file, origin: 'LM Studio', originalName: path.relative(dir, file).split(path.sep).join('/') });
    }
  }
  return models;
}

/** Ollama: manifests `<models>/manifests/<registry>/<ns>/<model>/<tag>` whose model layer names a blob. */
async function ollama({ home, env }: LocalStoreRoots): Promise<LocalStoreModel[]> {
  const root = env.OLLAMA_MODELS || path.join(home, '.ollama', 'models');
  const manifests = path.join(root, 'manifests');
  const models: LocalStoreModel[] = [];
  for (const manifest of await filesUnder(manifests, () => true)) {
    const digest = await modelLayerDigest(manifest);
    if (!digest) continue;
    const blob = path.join(root, 'blobs', digest.replace(':', '-'));
    if (!(await isGguf(blob))) continue;
    models.push({ path: blob, origin: 'Ollama', originalName: ollamaName(path.relative(manifests, manifest).split(path.sep)) });
  }
  return models;
}

async function modelLayerDigest(manifest: string): Promise<string | undefined> {
  try {
    if ((await stat(manifest)).size > MAX_MANIFEST_BYTES) return undefined;
    const parsed = JSON.parse(await readFile(manifest, 'utf8')) as { layers?: { mediaType?: unknown; digest?: unknown }[] };
    const digest = parsed.layers?.find((l) => l.mediaType === OLLAMA_MODEL_LAYER)?.digest;
    return typeof digest === 'string' && /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : undefined;
  } catch {
    return undefined;
  }
}

/** `registry.ollama.ai/library/llama3.2/1b` → `llama3.2:1b`; other namespaces and registries keep their prefix. */
export function ollamaName(parts: string[]): string {
  const [registry, ...rest] = parts;
  const tag = rest.pop() ?? 'latest';
  if (registry === 'registry.ollama.ai' && rest[0] === 'library') rest.shift();
  const name = registry === 'registry.ollama.ai' ? rest.join('/') : [registry, ...rest].join('/');
  return `${name}:${tag}`;
}

/**
 * llama.cpp's `-hf` download cache: flat `<org>_<repo>_<file>.gguf` files; newer builds keep the
 * hub's own `models--<org>--<repo>` layout there, which is read as the hub cache is.
 */
async function llamaCppCache({ home, env, platform }: LocalStoreRoots): Promise<LocalStoreModel[]> {
  const dir =
    env.LLAMA_CACHE ||
    (platform === 'darwin'
      ? path.join(home, 'Library', 'Caches', 'llama.cpp')
      : platform === 'win32' && env.LOCALAPPDATA
        ? path.join(env.LOCALAPPDATA, 'llama.cpp')
        : path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'llama.cpp'));
  const files = await ggufFilesUnder(dir, 1);
  const flat = files.map((file) => ({ path: file, origin: 'llama.cpp cache' as const, originalName: path.basename(file) }));
  return [...flat, ...(await hubLayout(dir, 'llama.cpp cache'))];
}

/** The hub cache: `models--<org>--<repo>/snapshots/<rev>/<file>.gguf`, links into the repo's own `blobs/`. */
async function huggingFaceCache({ home, env }: LocalStoreRoots): Promise<LocalStoreModel[]> {
  const hub = env.HF_HUB_CACHE || (env.HF_HOME ? path.join(env.HF_HOME, 'hub') : path.join(home, '.cache', 'huggingface', 'hub'));
  return hubLayout(hub, 'Hugging Face cache');
}

async function hubLayout(hub: string, origin: 'Hugging Face cache' | 'llama.cpp cache'): Promise<LocalStoreModel[]> {
  const models: LocalStoreModel[] = [];
  for (const repoDir of (await readdir(hub).catch(() => [] as string[])).filter((n) => n.startsWith('models--'))) {
    const repo = repoDir.slice('models--'.length).split('--').join('/');
    const repoRoot = path.join(hub, repoDir);
    const snapshots = path.join(repoRoot, 'snapshots');
    for (const rev of await readdir(snapshots).catch(() => [] as string[])) {
      const revDir = path.join(snapshots, rev);
      const files = await filesUnder(revDir, (name) => name.toLowerCase().endsWith('.gguf'), { followLinksInto: repoRoot });
      for (const file of files) {
        if (!(await isGguf(file))) continue;
        models.push({
          path: file,
          origin,
          originalName: `${repo}/${path.relative(revDir, file).split(path.sep).join('/')}`,
        });
      }
    }
  }
  return models;
}

async function ggufFilesUnder(dir: string, depth = MAX_DEPTH): Promise<string[]> {
  const files = await filesUnder(dir, (name) => name.toLowerCase().endsWith('.gguf'), { depth });
  const checked = await Promise.all(files.map(async (file) => ((await isGguf(file)) ? file : undefined)));
  return checked.filter((f): f is string => f !== undefined);
}

/**
 * Regular files under `dir` whose names pass `accept`, breadth-first, capped in depth and count.
 * Symbolic links are skipped, except (with `followLinksInto`) links whose target stays inside that folder.
 */
async function filesUnder(
  dir: string,
  accept: (name: string) => boolean,
  options: { depth?: number; followLinksInto?: string } = {},
): Promise<string[]> {
  const depth = options.depth ?? MAX_DEPTH;
  const allowedRoot = options.followLinksInto ? await realpath(options.followLinksInto).catch(() => undefined) : undefined;
  const out: string[] = [];
  let level = [dir];
  for (let d = 0; d < depth && level.length > 0 && out.length < MAX_FILES; d++) {
    const next: string[] = [];
    for (const current of level) {
      const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (out.length >= MAX_FILES) break;
        if (entry.name.startsWith('.')) continue;
        const full = path.join(current, entry.name);
        if (entry.isDirectory()) next.push(full);
        else if (entry.isFile() && accept(entry.name)) out.push(full);
        else if (entry.isSymbolicLink() && allowedRoot && accept(entry.name) && (await linkStaysInside(full, allowedRoot))) out.push(full);
      }
    }
    level = next;
  }
  return out;
}

async function linkStaysInside(link: string, root: string): Promise<boolean> {
  try {
    const target = await realpath(link);
    return target.startsWith(root + path.sep) && (await stat(target)).isFile();
  } catch {
    return false;
  }
}

/** Reads only the first four bytes: "GGUF". */
export async function isGguf(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
      return bytesRead === 4 && buffer.toString('latin1') === 'GGUF';
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}
