import { AppFailure } from '../../../shared/errors';
import type { HubFileChoice, HubFiles, HubPull, HubSearchResult } from '../../../shared/hub';
import type { DownloadState } from '../../../shared/provider';
import type { SystemService } from '../system/system';
import type { ModelDownloads } from './downloads';
import type { HubClient, HubSort } from './hub-client';
import { fitHint, pickChoice, type HubChoice } from './hub-files';

/**
 * The contract's hub.* requests: search, a repository's GGUF choices with a fit hint for this
 * machine, and a pull that hands every part of the chosen file or split set to the downloader.
 */
export class HubService {
  constructor(
    private readonly client: HubClient,
    private readonly downloads: ModelDownloads,
    private readonly system: Pick<SystemService, 'info' | 'gpus'>,
  ) {}

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
    const [info, choices, machine] = await Promise.all([this.client.info(repo), this.client.choices(repo, revision), this.machine()]);
    return {
      repo: info.id,
      pageUrl: info.pageUrl,
      license: info.license,
      gated: info.gated,
      tags: info.tags,
      choices: choices.map((c) => withFit(c, machine)),
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
    await this.client.checkAccess(repo, wanted[0]!.url);
    const started: DownloadState[] = [];
    for (const d of wanted) {
      started.push(await this.downloads.start({ url: d.url, file: d.file, sha256: d.sha256 }));
    }
    return { repo, choice: withFit(choice, machine), downloads: started };
  }

  private async machine(): Promise<{ vramBytes: number; ramBytes: number }> {
    const [info, gpus] = await Promise.all([this.system.info(), this.system.gpus().catch(() => [])]);
    const vramMiB = Math.max(0, ...gpus.map((g) => g.vramFreeMiB ?? g.vramMiB ?? 0));
    return { vramBytes: vramMiB * 1024 ** 2, ramBytes: info.memory.availableBytes || info.memory.totalBytes };
  }
}

function withFit(choice: HubChoice, machine: { vramBytes: number; ramBytes: number }): HubFileChoice {
  return { ...choice, fit: fitHint(choice.size, machine) };
}
