import type { InstallRun } from '../../shared/install';

/**
 * The list with one provider's run replaced (a provider has one run at a time), or added. An older
 * state (events and action answers can cross) leaves the list as it is.
 */
export function upsertRun(list: InstallRun[] | undefined, run: InstallRun): InstallRun[] | undefined {
  if (!list) return list;
  const index = list.findIndex((r) => r.providerId === run.providerId);
  if (index === -1) return [...list, run];
  const current = list[index]!;
  if (current.startedAt === run.startedAt && Date.parse(run.updatedAt) < Date.parse(current.updatedAt)) return list;
  const next = list.slice();
  next[index] = run;
  return next;
}
