import type { Contract } from '../shared/contract';
import { AppFailure } from '../shared/errors';
import type { ModelFile } from '../shared/provider';
import type { RpcClient } from '../shared/rpc/client';
import { connect, locate } from './node-api/connection';
import { connectToHeadlessHost } from './transports/ws-client';
import { colours } from './cli-args';

// The light part (no services) lives in cli-args.ts, so help and usage errors load nothing more.
export { colours, parse, UsageError, type CliCommand } from './cli-args';

export type Api = Pick<RpcClient<Contract>, 'invoke' | 'on'>;

/** A status word in the colour it deserves. */
export function paintStatus(status: string, c = colours()): string {
  if (status === 'running' || status === 'ok' || status === 'done') return c.green(status);
  if (status === 'failed' || status === 'unhealthy' || status === 'missing' || status === 'too-old') return c.red(status);
  if (status === 'starting' || status === 'stopping' || status === 'installing' || status === 'external') return c.yellow(status);
  return status;
}

/** The headless host or desktop app running for this base directory, if any, connected. */
export async function runningHost() {
  const { host } = await locate();
  if (!host) return undefined;
  const remote = await connectToHeadlessHost(host.origin, host.token).catch(() => undefined);
  return remote && { ...remote, info: host };
}

/**
 * Runs `work` against the running host when there is one (so its UI shows the progress), else
 * against a host started in this process for the duration: under the base directory's lock (a host
 * starting meanwhile refuses), with nothing listening and nothing auto-started. The same contract
 * either way (over the WebSocket, or in memory): one code path for both.
 */
export async function withHost<T>(work: (api: Api) => Promise<T>): Promise<T> {
  const connection = await connect({ runtime: 'tasks' });
  try {
    return await work(connection.api);
  } finally {
    await connection.close();
  }
}

/**
 * The models, from the running host; with none, read from the folders as `status` reads them:
 * nothing is created or locked, so a first `models list` leaves no base directory behind.
 */
export async function listModels(): Promise<{ dir: string; models: ModelFile[] }> {
  return viaHostOr(
    (api) => api.invoke('models.list'),
    async () => {
      const { modelsOf, openBaseDir } = await import('./host');
      const base = await openBaseDir({ readOnly: true });
      const models = modelsOf(base.paths, base.settings);
      return { dir: models.dir, models: await models.list() };
    },
  );
}

/**
 * For a command that only reads: `work` against the running host when there is one, else
 * `without`, which reads the folders itself and must create and lock nothing (unlike withHost).
 */
export async function viaHostOr<T>(work: (api: Api) => Promise<T>, without: () => Promise<T>): Promise<T> {
  const remote = await runningHost();
  if (!remote) return without();
  try {
    return await work(remote.client);
  } finally {
    remote.close();
  }
}

/** A host is needed (following a log live, the gateway): none runs, so say how to start one. */
export function noHost(what: string): AppFailure {
  return new AppFailure({
    code: 'NOT_FOUND',
    message: `No Local LLM Manager host is running for this base directory, and ${what} needs one.`,
    hint: 'Start one with "local-llm-manager serve" (or open the desktop app), then try again.',
  });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
