import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pickPort } from '../../main/services/os/ports';
import { writeTinyGguf } from '../../scripts/make-tiny-gguf';
import { freshDirs, writeSettings, type HostDirs } from './host-process';

export const TINY_MODEL = 'tiny-llama.gguf';

/** A base directory with the tiny model in its models folder and nothing running: what the wizard leaves a newcomer with. */
export async function dirsWithTinyModel(): Promise<{ dirs: HostDirs; gatewayPort: number }> {
  const dirs = await freshDirs();
  await mkdir(path.join(dirs.baseDir, 'models'), { recursive: true });
  writeTinyGguf(path.join(dirs.baseDir, 'models', TINY_MODEL));
  const gatewayPort = await pickPort(8400 + 600 + Math.floor(Math.random() * 500));
  await writeSettings(dirs, { gateway: { port: gatewayPort }, providers: { engine: { threads: 1, contextSize: 512 } } });
  return { dirs, gatewayPort };
}
