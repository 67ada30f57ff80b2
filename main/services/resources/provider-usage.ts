import pidusage from 'pidusage';
import { ACTIVE, type ProviderState } from '../../../shared/provider';
import type { ProviderUsage } from '../../../shared/resources';
import { readProcessTable, treeMembers, type ProcessEntry } from '../os/process-table';

export interface ProviderProcesses {
  id: string;
  /** The processes the supervisor started (one per launch entry). */
  pids: number[];
}

export interface ProviderUsageOptions {
  /** The process table (os/process-table, shared briefly with discovery and stops); replaced in tests. */
  listProcesses?: () => Promise<Iterable<ProcessEntry>>;
  /**
   * How long a tree's membership is trusted before `ps` runs again: listing every process costs
   * more than reading the members' usage, and trees seldom change once a model is loaded.
   */
  treeTtlMs?: number;
}

/** CPU% and RSS of each provider's whole process tree; GPU memory joined in from nvidia-smi. */
export class ProviderUsageSampler {
  private readonly list: () => Promise<Iterable<ProcessEntry>>;
  private readonly treeTtlMs: number;
  private trees = new Map<string, { roots: string; members: number[]; at: number }>();

  constructor(options: ProviderUsageOptions = {}) {
    this.list = options.listProcesses ?? listProcesses;
    this.treeTtlMs = options.treeTtlMs ?? 5_000;
  }

  async sample(providers: readonly ProviderProcesses[], vramByPid?: ReadonlyMap<number, number>): Promise<ProviderUsage[]> {
    const live = providers.filter((p) => p.pids.length > 0);
    for (const id of this.trees.keys()) if (!live.some((p) => p.id === id)) this.trees.delete(id);
    if (live.length === 0) return [];
    await this.refreshTrees(live);
    const members = live.map((p) => this.trees.get(p.id)!.members);
    const stats = await usageOf([...new Set(members.flat())]);
    return live.map((provider, i) => {
      let cpuPercent = 0;
      let rssBytes = 0;
      let vramBytes: number | undefined;
      let processes = 0;
      for (const pid of members[i]!) {
        const stat = stats[pid];
        if (!stat) continue; // exited since the tree was listed
        processes++;
        cpuPercent += stat.cpu;
        rssBytes += stat.memory;
        const vram = vramByPid?.get(pid);
        if (vram !== undefined) vramBytes = (vramBytes ?? 0) + vram;
      }
      return { id: provider.id, cpuPercent, rssBytes, processes, ...(vramBytes !== undefined ? { vramBytes } : {}) };
    });
  }

  close(): void {
    this.trees.clear();
    pidusage.clear();
  }

  private async refreshTrees(providers: readonly ProviderProcesses[]): Promise<void> {
    const now = performance.now();
    const stale = providers.filter((p) => {
      const known = this.trees.get(p.id);
      return !known || known.roots !== key(p.pids) || now - known.at >= this.treeTtlMs;
    });
    if (stale.length === 0) return;
    const table = [...(await this.list().catch(() => []))];
    for (const provider of stale) {
      this.trees.set(provider.id, { roots: key(provider.pids), members: [...treeMembers(provider.pids, table)], at: now });
    }
  }
}

/** Every process now, from the one table; none when it cannot be read. */
async function listProcesses(): Promise<Iterable<ProcessEntry>> {
  return (await readProcessTable())?.values() ?? [];
}

const key = (pids: readonly number[]) => [...pids].sort((a, b) => a - b).join(',');

/** pidusage rejects when its only pid is gone and leaves gone ones out of a list; both mean "no usage". */
async function usageOf(pids: number[]): Promise<Record<number, pidusage.Status | undefined>> {
  if (pids.length === 0) return {};
  try {
    return await pidusage(pids);
  } catch {
    return {};
  }
}

/** The processes of every provider that owns some now (starting, running, unhealthy, stopping). */
export function providerProcesses(states: readonly ProviderState[]): ProviderProcesses[] {
  return states.flatMap((state) => {
    if (!ACTIVE.includes(state.status)) return [];
    const pids = state.pids ? Object.values(state.pids) : state.pid ? [state.pid] : [];
    return pids.length > 0 ? [{ id: state.id, pids }] : [];
  });
}
