import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Contract } from '../../shared/contract';
import { RpcClient } from '../../shared/rpc/client';
import { createMemoryPair } from '../../shared/rpc/memory';
import { createHost, defaultAppConfigDir, type Host } from '../host';
import { openControlEndpoint, type ControlEndpoint } from '../control-endpoint';
import { readHostFile, type HostFile } from '../host-file';
import { pathsFor, resolveBaseDir, type Paths } from '../services/base-dir/paths';
import { connectToHeadlessHost } from '../transports/ws-client';

/** The contract as a caller sees it: the same requests and events the UI uses. */
export type HostApi = Pick<RpcClient<Contract>, 'invoke' | 'on'>;

export interface ConnectOptions {
  /** The base directory; default HELIX_LOCAL_LLM_DIR, else the saved choice, else ~/.helixcode/local-llm. */
  baseDir?: string;
  /** The environment settings are read from (HELIX_LOCAL_LLM_*); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where the app keeps its own small files (the base-directory choice); default the OS config folder. */
  appConfigDir?: string;
}

export interface Connection {
  api: HostApi;
  /** `host`: a running app or `serve` owns the base directory and does the work; `local`: this process does. */
  via: 'host' | 'local';
  /** The running host talked to (`via: 'host'`). */
  host?: HostFile;
  /** The host this process started (`via: 'local'`). */
  local?: Host;
  paths: Paths;
  /** Resolves when the connection to a running host is gone (never for a local one until closed). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Where the base directory is and whether a live host owns it (host.json, its process alive). */
export async function locate(
  options: ConnectOptions = {},
): Promise<{ env: NodeJS.ProcessEnv; appConfigDir: string; paths: Paths; host?: HostFile }> {
  const env = options.baseDir
    ? { ...(options.env ?? process.env), HELIX_LOCAL_LLM_DIR: path.resolve(options.baseDir) }
    : (options.env ?? process.env);
  const appConfigDir = options.appConfigDir ?? defaultAppConfigDir();
  const paths = pathsFor((await resolveBaseDir({ env, locationFile: path.join(appConfigDir, 'location.json') })).path);
  return { env, appConfigDir, paths, host: await readHostFile(paths) };
}

/**
 * Talks to the host that owns the base directory when one runs (the desktop app or `serve`), so
 * there is only ever one supervisor per folder; otherwise starts the same host in this process,
 * under the folder's lock, and talks to it in memory over the same contract.
 * `runtime: 'tasks'` (a CLI command) starts no gateway, discovery or auto-start; `full` does.
 */
export async function connect(options: ConnectOptions & { runtime: 'full' | 'tasks'; timeoutMs?: number }): Promise<Connection> {
  const { env, appConfigDir, paths, host } = await locate(options);
  if (host) {
    // A host that is going away answers no more: then this process does the work (or the lock says who holds it).
    const remote = await connectToHeadlessHost(host.origin, host.token, { timeoutMs: options.timeoutMs }).catch(() => undefined);
    if (remote) {
      return {
        api: remote.client,
        via: 'host',
        host,
        paths,
        closed: remote.closed,
        close: async () => remote.close(),
      };
    }
  }
  const local = await createHost({ mode: 'headless', runtime: options.runtime, env, appConfigDir });
  // A script that runs the host (the Node API) is found by the CLI and other scripts as `serve`
  // is: a loopback endpoint behind a token, named in cache/host.json, so a second terminal's
  // `status` or `start` goes to it rather than being refused by the folder's lock.
  let control: ControlEndpoint | undefined;
  if (options.runtime === 'full') {
    try {
      control = await openControlEndpoint(local, rendererDir(), 'script');
    } catch (error) {
      await local.close();
      throw error;
    }
  }
  const [clientSide, serverSide] = createMemoryPair();
  local.rpc.connect(serverSide, { via: 'memory', connectionId: 'node-api' });
  const client = new RpcClient<Contract>(clientSide, { timeoutMs: options.timeoutMs ?? 24 * 3600_000 });
  let closing: Promise<void> | undefined;
  return {
    api: client,
    via: 'local',
    local,
    paths: local.paths,
    closed: new Promise<void>(() => undefined),
    close: () =>
      (closing ??= (async () => {
        client.close();
        await control?.close();
        await local.close();
      })()),
  };
}

/** The built UI beside this bundle (out/renderer), whether this code sits in out/main or in its chunks folder. */
function rendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, '..', 'renderer'), path.join(here, '..', '..', 'renderer')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}
