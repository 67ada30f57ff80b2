import { rm } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { Paths } from './services/base-dir/paths';
import { isLoopbackName } from './services/os/loopback';
import { isAlive, ProcessStartFields } from './services/os/process-identity';
import { readCappedFile } from './services/os/read-capped-file';

const HostFileSchema = z.object({
  origin: z.string().url(),
  token: z.string().min(1),
  pid: z.number().int().positive(),
  ...ProcessStartFields,
  /** `script`: a program using the Node API runs the host in its own process. */
  mode: z.enum(['desktop', 'headless', 'script']).optional(),
});
export type HostFile = z.infer<typeof HostFileSchema>;

/** Where a running headless host tells the CLI how to reach it. Readable by this user only: it holds the token. */
export function hostFilePath(paths: Paths): string {
  return path.join(paths.cache, 'host.json');
}

export async function writeHostFile(paths: Paths, info: HostFile): Promise<void> {
  await writeFileAtomic(hostFilePath(paths), JSON.stringify(info), { mode: 0o600 });
}

export async function removeHostFile(paths: Paths): Promise<void> {
  await rm(hostFilePath(paths), { force: true });
}

/** The running host for this base directory, if its file is there and its process alive (same PID, same start). */
export async function readHostFile(paths: Paths): Promise<HostFile | undefined> {
  try {
    const text = await readCappedFile(hostFilePath(paths), 4096);
    const parsed = HostFileSchema.safeParse(JSON.parse(text));
    return parsed.success && (await isAlive(parsed.data)) ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The page a headless host serves, with its token: host.json is this user's own, as is the terminal
 * that asks. An exposed host's token is the user's own key, which is not echoed.
 */
export function hostPageUrl(host: HostFile): string {
  const token = isLoopbackName(new URL(host.origin).hostname) ? host.token : '<HELIX_LOCAL_LLM_HOST_KEY>';
  return `${host.origin}/?token=${token}`;
}
