import type { MergePatch, ProviderOverride } from '../../../../shared/settings';

/** The Configuration card's fields as typed (text until saved). */
export interface ProviderDraft {
  model: string;
  port: string;
  contextSize: string;
  threads: string;
  parallel: string;
  repository: string;
  version: string;
}

export const toProviderDraft = (o: ProviderOverride = {}): ProviderDraft => ({
  model: o.model ?? '',
  port: o.port?.toString() ?? '',
  contextSize: o.contextSize?.toString() ?? '',
  threads: o.threads?.toString() ?? '',
  parallel: o.parallel?.toString() ?? '',
  repository: o.install?.repository ?? '',
  version: o.install?.version ?? '',
});

const INSTALL_FIELDS = ['repository', 'version'] as const;
const TOP_FIELDS = ['model', 'port', 'contextSize', 'threads', 'parallel'] as const;

/**
 * The change to send for one provider: only the fields the user changed (a cleared one as null,
 * which removes it), so a save here never writes back a stale copy of the fields it did not touch
 * (another tab may have changed them). `next` is the validated override the card would hold.
 * When nothing is left the whole entry is removed.
 */
export function providerPatch(saved: ProviderDraft, draft: ProviderDraft, next: ProviderOverride): MergePatch<ProviderOverride> | null {
  const patch: MergePatch<ProviderOverride> = {};
  for (const field of TOP_FIELDS) {
    if (draft[field] !== saved[field]) (patch as Record<string, unknown>)[field] = next[field] ?? null;
  }
  const install: Record<string, unknown> = {};
  for (const field of INSTALL_FIELDS) if (draft[field] !== saved[field]) install[field] = next.install?.[field] ?? null;
  if (Object.keys(install).length > 0) patch.install = install;
  const left = Object.entries(next).filter(([, value]) => value !== undefined);
  return left.length === 0 ? null : patch;
}
