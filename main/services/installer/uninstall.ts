import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Paths } from '../base-dir/paths';

/** Uninstall: data/<id> and its start scripts go; config/<id> too unless kept. The paths removed. */
export async function removeInstalled(paths: Paths, id: string, options: { keepConfig: boolean }): Promise<string[]> {
  const targets = [
    path.join(paths.data, id),
    path.join(paths.bin, `${id}.sh`),
    path.join(paths.bin, `${id}.cmd`),
    ...(options.keepConfig ? [] : [path.join(paths.config, id)]),
  ].filter((p) => existsSync(p));
  for (const target of targets) await rm(target, { recursive: true, force: true });
  return targets;
}
