import { parseArgs } from 'node:util';
import type { Contract } from '../shared/contract';
import { AppFailure } from '../shared/errors';
import type { DownloadState, ModelFile } from '../shared/provider';
import type { RpcClient } from '../shared/rpc/client';

type Api = { invoke: RpcClient<Contract>['invoke']; on: RpcClient<Contract>['on'] };

export interface ModelsCliDeps {
  /** Runs against the running host, else one started under the base directory's lock. */
  withHost: <T>(work: (api: Api) => Promise<T>) => Promise<T>;
  /** The list from the running host, else read from the folders without a host: nothing is created or locked. */
  listModels?: () => Promise<{ dir: string; models: ModelFile[] }>;
  /** A usage error (exit 2). */
  usageError: (message: string) => Error;
  out?: NodeJS.WriteStream;
}

export const MODELS_USAGE = `  models search <query> [--json] [--sort downloads|likes|lastModified] [--limit N]
                                          GGUF repositories on the Hugging Face hub (HF_ENDPOINT, HF_TOKEN).
  models pull <repo>[:<quant>|/<file>]    Download a quantisation (e.g. org/repo:Q4_K_M) or a file; a split
                                          model downloads all its parts. With neither, the quantisation
                                          recommended for this machine (Q4_K_M when it fits).
  models list [--json]                    Models in the models folder and in other apps' stores.
  models rm <name>                        Delete a model from the models folder.`;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** `models search|pull|list|rm`: exit code 0, or 1 when something failed. */
export async function modelsCommand(args: string[], deps: ModelsCliDeps): Promise<number> {
  const [sub, ...rest] = args;
  const out = deps.out ?? process.stdout;
  const parse = <T extends Record<string, { type: 'string' | 'boolean' }>>(options: T) => {
    try {
      return parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    } catch (error) {
      throw deps.usageError((error as Error).message);
    }
  };
  switch (sub) {
    case 'search': {
      const { values, positionals } = parse({ json: { type: 'boolean' }, sort: { type: 'string' }, limit: { type: 'string' } });
      if (positionals.length === 0) throw deps.usageError('"models search" takes a query, e.g. "models search qwen".');
      const sort = values.sort ?? 'downloads';
      if (sort !== 'downloads' && sort !== 'likes' && sort !== 'lastModified')
        throw deps.usageError('--sort is downloads, likes or lastModified.');
      const limit = values.limit === undefined ? undefined : Number(values.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 100))
        throw deps.usageError('--limit is a whole number from 1 to 100.');
      const hits = await deps.withHost((api) => api.invoke('hub.search', { query: positionals.join(' '), sort, limit }));
      if (values.json) out.write(`${JSON.stringify(hits, null, 2)}\n`);
      else if (hits.length === 0) out.write('No GGUF repositories found.\n');
      else
        for (const h of hits)
          out.write(
            `${h.id.padEnd(50)} ${String(h.downloads ?? '').padStart(10)} downloads ${String(h.likes ?? '').padStart(6)} likes${h.gated ? '  (gated)' : ''}\n`,
          );
      return 0;
    }
    case 'pull': {
      const { positionals } = parse({});
      if (positionals.length !== 1)
        throw deps.usageError(
          '"models pull" takes one <repo>[:<quant>|/<file>], e.g. "models pull org/repo:Q4_K_M" or "models pull org/repo".',
        );
      const target = parsePullTarget(positionals[0]!);
      if (!target) throw deps.usageError(`"${positionals[0]}" is not <owner>/<repo>[:<quant>|/<file>].`);
      const finished = await deps.withHost(async (api) => {
        const seen = new Map<string, DownloadState>();
        let ids: Set<string> | undefined;
        let wake = () => {};
        const tty = Boolean(out.isTTY);
        const stop = api.on('downloads.progress', (state) => {
          seen.set(state.id, state);
          if (ids?.has(state.id)) {
            if (tty) out.write(`\r${progressLine(state)}\x1b[K`);
            wake();
          }
        });
        try {
          const pick = target.pick ?? (await recommendedPick(api, target.repo, out));
          const pull = await api.invoke('hub.pull', { repo: target.repo, pick });
          out.write(
            `${pull.repo}: ${pull.choice.name} (${pull.choice.quant ?? 'GGUF'}, ${mib(pull.choice.size)}, ${pull.choice.fit}), ${pull.downloads.length} file(s)\n`,
          );
          ids = new Set(pull.downloads.map((d) => d.id));
          for (const d of pull.downloads) if (!seen.has(d.id)) seen.set(d.id, d);
          const printed = new Set<string>();
          for (;;) {
            for (const id of ids) {
              const state = seen.get(id)!;
              if (isOver(state) && !printed.has(id)) {
                printed.add(id);
                out.write(
                  `${tty ? '\r' : ''}${state.file}: ${state.status === 'done' ? `done, ${mib(state.receivedBytes)}` : `${state.status}${state.error ? `: ${state.error}` : ''}`}${tty ? '\x1b[K' : ''}\n`,
                );
              }
            }
            if (printed.size === ids.size) break;
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, 1000);
            });
            // A missed event is caught up from the list.
            for (const d of await api.invoke('downloads.list')) if (ids.has(d.id)) seen.set(d.id, d);
          }
          return [...ids].map((id) => seen.get(id)!);
        } finally {
          stop();
        }
      });
      return finished.every((d) => d.status === 'done') ? 0 : 1;
    }
    case 'list': {
      const { values, positionals } = parse({ json: { type: 'boolean' } });
      if (positionals.length) throw deps.usageError('"models list" takes no arguments.');
      const list = await (deps.listModels ?? (() => deps.withHost((api) => api.invoke('models.list'))))();
      if (values.json) out.write(`${JSON.stringify(list, null, 2)}\n`);
      else {
        out.write(`Models folder: ${list.dir}\n`);
        if (list.models.length === 0) out.write('No models yet: try "models search <query>" and "models pull".\n');
        for (const m of list.models)
          out.write(
            `  ${(m.originalName ?? m.file).padEnd(48)} ${mib(m.sizeBytes).padStart(12)}  ${m.quantization ?? ''}  ${(m.origin ?? 'models folder').padEnd(18)} ${m.path}\n`,
          );
      }
      return 0;
    }
    case 'rm': {
      const { positionals } = parse({});
      if (positionals.length !== 1) throw deps.usageError('"models rm" takes one model file name, e.g. "models rm tiny.Q8_0.gguf".');
      await deps.withHost((api) => api.invoke('models.delete', { file: positionals[0]! }));
      out.write(`Removed ${positionals[0]}.\n`);
      return 0;
    }
    default:
      throw deps.usageError(sub ? `Unknown models command "${sub}".` : '"models" takes search, pull, list or rm.');
  }
}

/** `owner/repo` (no pick: the recommended one), `owner/repo:Q4_K_M` or `owner/repo/path/file.gguf`; undefined when it is none. */
export function parsePullTarget(text: string): { repo: string; pick?: string } | undefined {
  const colon = /^([^/:]+\/[^/:]+):([^/]+)$/.exec(text);
  if (colon) return { repo: colon[1]!, pick: colon[2]! };
  const file = /^([^/:]+\/[^/:]+)\/(.+\.gguf)$/i.exec(text);
  if (file) return { repo: file[1]!, pick: file[2]! };
  if (/^[^/:]+\/[^/:]+$/.test(text)) return { repo: text };
  return undefined;
}

/** The repository's recommended choice for this machine (hub.files), said aloud; an error when nothing fits. */
async function recommendedPick(api: Api, repo: string, out: NodeJS.WriteStream): Promise<string> {
  const files = await api.invoke('hub.files', { repo });
  const choice = files.choices.find((c) => c.name === files.recommended);
  if (!choice) {
    const sizes = files.choices.map((c) => `${c.quant ?? c.name} ${mib(c.size)}`).join(', ') || 'no GGUF files';
    throw new AppFailure({
      code: 'NOT_FOUND',
      message: files.choices.length ? `No GGUF file of ${repo} fits this machine (${sizes}).` : `${repo} has no GGUF files.`,
      hint: 'Pick a smaller model, or name a quantisation with <repo>:<quant> to download it anyway.',
    });
  }
  out.write(`Chose ${choice.quant ?? choice.name} (${choice.name}, ${mib(choice.size)}, ${choice.fit}): recommended for this machine.\n`);
  return choice.name;
}

function isOver(state: DownloadState): boolean {
  return state.status === 'done' || state.status === 'failed' || state.status === 'cancelled' || state.status === 'paused';
}

function progressLine(state: DownloadState): string {
  const pct = state.totalBytes ? ` ${Math.floor((state.receivedBytes / state.totalBytes) * 100)}%` : '';
  return `${state.file}: ${state.status}${pct} ${mib(state.receivedBytes)}${state.totalBytes ? ` of ${mib(state.totalBytes)}` : ''}`;
}
