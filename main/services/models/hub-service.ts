import { setTimeout as delay } from 'node:timers/promises';
import { AppFailure } from '../../../shared/errors';
import type { HubFileChoice, HubFiles, HubPull, HubSearchResult, HubStarter } from '../../../shared/hub';
import type { DownloadState } from '../../../shared/provider';
import type { SystemService } from '../system/system';
import type { ModelDownloads } from './downloads';
import type { HubClient, HubDownload, HubSort } from './hub-client';
import { fitHint, pickChoice, recommendChoice, type HubChoice, type HubFile } from './hub-files';
import { loadStarters, recommendStarter, type StarterModel } from './starters';

/** How long hub.starters waits on the hub for a size the list leaves out. */
const STARTER_SIZE_WAIT_MS = 5_000;

export interface HubServiceOptions {
  /** The starter list; defaults to the built-in one or the file LLM_MANAGER_STARTER_MODELS names. */
  starters?: () => Promise<StarterModel[]>;
}

/**
 * The contract's hub.* requests: search, a repository's GGUF choices with a fit hint for this
 * machine, and a pull that hands every part of the chosen file or split set to the downloader.
 */
export class HubService {
  private readonly loadStarters: () => Promise<StarterModel[]>;
  /** Repositories' GGUF files, for starters whose size the list leaves out; a failed read is not kept. */
  private readonly treeCache = new Map<string, Promise<HubFile[]>>();

  constructor(
    private readonly client: HubClient,
    private readonly downloads: ModelDownloads,
    private readonly system: Pick<SystemService, 'info' | 'gpus'>,
    options: HubServiceOptions = {},
  ) {
    this.loadStarters = options.starters ?? (() => loadStarters());
  }

  /** The starter list with sizes filled from the hub where the list leaves them out, a fit hint, and the one to suggest. */
  async starters(): Promise<HubStarter[]> {
    const [list, machine] = await Promise.all([this.loadStarters(), this.machine()]);
    const filled = await Promise.all(
      list.map(async (s) => {
        if (s.size !== undefined) return s;
        // A slow hub must not hold the list up: the starter shows with its size unknown.
        const tree = await Promise.race([this.treeOf(s.repo), delay(STARTER_SIZE_WAIT_MS, [] as HubFile[], { ref: false })]).catch(
          () => [],
        );
        const hubFile = tree.find((f) => f.path === s.file);
        return { ...s, size: hubFile?.size, sha256: s.sha256 ?? hubFile?.sha256 };
      }),
    );
    const withFit = filled.map((s) => ({ ...s, fit: s.size === undefined ? undefined : fitHint(s.size, machine) }));
    const recommended = recommendStarter(withFit, machine.cpuCores);
    return withFit.map((s) => ({ ...s, pageUrl: this.client.pageUrl(s.repo), recommended: s.id === recommended }));
  }

  async search(query: string, options: { sort?: HubSort; limit?: number } = {}): Promise<HubSearchResult[]> {
    const hits = await this.client.search(query, options);
    return hits.map((h) => ({
      id: h.id,
      downloads: h.downloads,
      likes: h.likes,
      lastModified: h.lastModified ?? h.createdAt,
      gated: Boolean(h.gated),
      tags: h.tags ?? [],
    }));
  }

  async files(repo: string, revision?: string): Promise<HubFiles> {
    const [info, choices, machine, summary] = await Promise.all([
      this.client.info(repo),
      this.client.choices(repo, revision),
      this.machine(),
      this.client.summary(repo, revision),
    ]);
    const fitted = choices.map((c) => withFit(c, machine));
    return {
      repo: info.id,
      pageUrl: info.pageUrl,
      license: info.license,
      gated: info.gated,
      tags: info.tags,
      downloads: info.downloads,
      likes: info.likes,
      summary,
      choices: fitted,
      recommended: recommendChoice(fitted)?.name,
    };
  }

  async pull(repo: string, pick: string, revision?: string): Promise<HubPull> {
    const [choices, machine] = await Promise.all([this.client.choices(repo, revision), this.machine()]);
    const choice = pickChoice(choices, pick);
    if (!choice) {
      const known = choices.map((c) => c.quant ?? c.name).join(', ') || 'none';
      throw new AppFailure({
        code: 'NOT_FOUND',
        message: `${repo} has no GGUF file or quantisation ${pick}.`,
        hint: `Pick one of: ${known}.`,
      });
    }
    const wanted = this.client.downloadsOf(repo, choice, revision);
    await this.checkStarterSha(repo, choice, wanted);
    await this.client.checkAccess(repo, wanted[0]!.url);
    const started: DownloadState[] = [];
    for (const d of wanted) {
      started.push(await this.downloads.start({ url: d.url, file: d.file, sha256: d.sha256 }));
    }
    return { repo, choice: withFit(choice, machine), downloads: started };
  }

  /**
   * A starter's sha256 is what we vetted: the hub's LFS oid must agree (else the file changed
   * under the same name), and stands in when the hub gives none.
   */
  private async checkStarterSha(repo: string, choice: HubChoice, wanted: HubDownload[]): Promise<void> {
    // A broken list is reported by hub.starters; it must not stop pulls of other files.
    const starters = await this.loadStarters().catch(() => []);
    for (const [i, d] of wanted.entries()) {
      const starter = starters.find((s) => s.repo === repo && s.file === choice.parts[i]!.path && s.sha256);
      if (!starter) continue;
      if (d.sha256 && d.sha256 !== starter.sha256) {
        throw new AppFailure({
          code: 'CONFLICT',
          message: `${repo}/${starter.file} on the hub has sha256 ${d.sha256}, not the ${starter.sha256} the starter list expects: the file changed since it was listed.`,
          hint: 'Pick a file from the repository instead, or update the starter list.',
        });
      }
      d.sha256 = starter.sha256;
    }
  }

  private treeOf(repo: string): Promise<HubFile[]> {
    let files = this.treeCache.get(repo);
    if (!files) {
      files = this.client.files(repo);
      this.treeCache.set(repo, files);
      files.catch(() => this.treeCache.delete(repo));
    }
    return files;
  }

  private async machine(): Promise<{ vramBytes: number; ramBytes: number; cpuCores: number }> {
    const [info, gpus] = await Promise.all([this.system.info(), this.system.gpus().catch(() => [])]);
    const vramMiB = Math.max(0, ...gpus.map((g) => g.vramFreeMiB ?? g.vramMiB ?? 0));
    return {
      vramBytes: vramMiB * 1024 ** 2,
      ramBytes: info.memory.availableBytes || info.memory.totalBytes,
      cpuCores: info.cpu.physicalCores,
    };
  }
}

function withFit(choice: HubChoice, machine: { vramBytes: number; ramBytes: number }): HubFileChoice {
  return { ...choice, fit: fitHint(choice.size, machine) };
}
