import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pickPort } from '../../main/services/os/ports';
import type { StandInHub } from '../../test/fixtures/stand-ins/hf-hub';
import { cliPath, spawnHost, writeSettings, type HostDirs, type RunningHost } from './host-process';

/** A starter as the list file takes it; sizes and sha256s are left for the stand-in hub's tree to fill in. */
export interface TestStarter {
  id: string;
  name: string;
  kind: 'chat' | 'embedding';
  file: string;
  goodFor: string;
}

/**
 * The headless host as a newcomer's machine has it, reaching the stand-in hub through HF_ENDPOINT,
 * with a starter list of the stand-in's tiny models, a free gateway port (e2e files run side by
 * side), and the engine tuned for a small machine. `settings` adds to (or overrides) those.
 */
export async function startHostWithHub(
  dirs: HostDirs,
  hub: StandInHub,
  starters: TestStarter[],
  settings: Record<string, unknown> = {},
): Promise<RunningHost> {
  const list = path.join(dirs.baseDir, '..', 'starters.json');
  const entries = starters.map((s) => ({ ...s, repo: 'org/tiny-GGUF', license: 'apache-2.0' }));
  await writeFile(list, JSON.stringify({ starters: entries }));
  await writeSettings(dirs, {
    gateway: { port: await pickPort(8400 + 1200 + Math.floor(Math.random() * 1000)) },
    providers: { engine: { threads: 1, contextSize: 512 } },
    ...settings,
  });
  return spawnHost(process.execPath, [cliPath, 'serve', '--port', '0'], dirs, {
    HF_ENDPOINT: hub.endpoint,
    HF_TOKEN: '',
    LLM_MANAGER_STARTER_MODELS: list,
  });
}
