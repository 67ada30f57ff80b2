import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach } from 'vitest';
import { SettingsService } from '../main/services/settings/settings';
import { tempDir } from './temp-dir';

const opened: SettingsService[] = [];
afterEach(async () => {
  for (const service of opened.splice(0)) await service.close();
});

/** A real SettingsService on a fresh temp base directory; `prepare` may put a settings.json there first. */
export async function loadSettings(env: NodeJS.ProcessEnv = {}, prepare?: (configDir: string) => Promise<void>) {
  const dir = await tempDir();
  const configDir = path.join(dir, 'base', 'config');
  await mkdir(configDir, { recursive: true });
  await prepare?.(configDir);
  const file = path.join(configDir, 'settings.json');
  const locationFile = path.join(dir, 'app', 'location.json');
  const service = await SettingsService.load({
    file,
    env,
    locationFile,
    baseDir: { path: path.join(dir, 'base'), source: env.HELIX_LOCAL_LLM_DIR ? 'env' : 'default', problems: [] },
  });
  opened.push(service);
  return { service, file, configDir, locationFile };
}
