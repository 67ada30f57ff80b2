import path from 'node:path';
import envPaths from 'env-paths';
import { contract, type Contract } from '../shared/contract';
import { AppFailure } from '../shared/errors';
import { RpcServer } from '../shared/rpc/server';
import type { AppInfo } from '../shared/system';
import { createApi } from './api';
import { APP_NAME, APP_VERSION } from './app-meta';
import { ensureLayout, pathsFor, resolveBaseDir, type Paths } from './services/paths';
import { SettingsService } from './services/settings';
import { SystemService } from './services/system';

export interface HostOptions {
  mode: AppInfo['mode'];
  env?: NodeJS.ProcessEnv;
  /** Where the app keeps its own small files (the base-directory choice). Electron passes userData. */
  appConfigDir?: string;
  /** Where bugs (unexpected errors) are reported; stderr by default. */
  reportBug?: (message: string, error: unknown) => void;
}

export interface Host {
  rpc: RpcServer<Contract>;
  paths: Paths;
  settings: SettingsService;
  system: SystemService;
  appInfo: AppInfo;
  close(): Promise<void>;
}

export function defaultAppConfigDir(): string {
  return envPaths('local-llm-manager', { suffix: '' }).config;
}

/** Builds every service for one running app (desktop or headless) and wires them to the contract. */
export async function createHost(options: HostOptions): Promise<Host> {
  const env = options.env ?? process.env;
  const locationFile = path.join(options.appConfigDir ?? defaultAppConfigDir(), 'location.json');
  const baseDir = await resolveBaseDir({ env, locationFile });
  const paths = pathsFor(baseDir.path);
  try {
    await ensureLayout(paths);
  } catch (error) {
    throw new AppFailure({
      code: 'IO_ERROR',
      message: `Cannot create the base directory ${paths.base}: ${(error as Error).message}`,
      hint: 'Set HELIX_LOCAL_LLM_DIR to a folder you can write to, or fix the permissions.',
    });
  }
  const settings = await SettingsService.load({ file: paths.settingsFile, env, baseDir, locationFile });
  const system = new SystemService({ baseDir: paths.base, env });
  const appInfo: AppInfo = {
    name: APP_NAME,
    version: APP_VERSION,
    mode: options.mode,
    platform: process.platform,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    baseDir: paths.base,
  };
  const reportBug =
    options.reportBug ?? ((message: string, error: unknown) => console.error(message, error instanceof Error ? error.stack : error));
  const rpc = new RpcServer(contract, createApi({ appInfo, settings, system }), {
    onUnexpectedError: (method, error) => reportBug(`Unexpected error in "${method}":`, error),
  });
  settings.on('changed', (state) => rpc.emit('settings.changed', state));

  return {
    rpc,
    paths,
    settings,
    system,
    appInfo,
    async close() {
      settings.removeAllListeners();
    },
  };
}
