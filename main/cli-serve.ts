import type { GatewayStatus } from '../shared/gateway';
import { AppFailure } from '../shared/errors';
import { APP_NAME, APP_VERSION } from './app-meta';
import { parse, UsageError } from './cli-args';
import { ARGS } from './cli-options';
import { applyLogLevelFlag } from './cli-log-level';
import { startHeadlessServer, type HeadlessServer } from './headless';
import { MIN_EXPOSED_KEY_LENGTH } from './headless-defaults';
import { hostPageUrl } from './host-file';
import { createHost } from './host';
import { locate } from './node-api/connection';
import { isLoopbackName } from './services/os/loopback';
import { installShutdown } from './shutdown';

/**
 * `serve`: the headless host in this process, until a signal (loaded by the command table only when it
 * runs). staticDir: the built renderer (out/renderer).
 */
export async function serve(args: string[], staticDir: string): Promise<number> {
  const { values } = parse('serve', args, ARGS.serve);
  // Beyond loopback takes --expose and a key the user chose (an environment variable: a flag would show in ps).
  const exposed = values.host !== undefined && !isLoopbackName(values.host);
  if (exposed && !values.expose) {
    throw new UsageError(`--host ${values.host} reaches beyond this machine: add --expose to mean it (see docs/security.md).`, 'serve');
  }
  const hostKey = exposed ? process.env.HELIX_LOCAL_LLM_HOST_KEY : undefined;
  if (exposed && (!hostKey || hostKey.length < MIN_EXPOSED_KEY_LENGTH)) {
    throw new UsageError(
      `--expose needs an API key: set HELIX_LOCAL_LLM_HOST_KEY to at least ${MIN_EXPOSED_KEY_LENGTH} characters (e.g. "openssl rand -hex 32").`,
      'serve',
    );
  }
  applyLogLevelFlag(values['log-level'], process.env);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, got "${values.port}".`, 'serve');
  }
  // Takes the base directory's lock first: a second `serve` on the same folder stops here, naming the owner.
  const host = await createHost({ mode: 'headless' }).catch(async (error: unknown) => {
    throw await withRunningHostUrl(error);
  });
  const log = host.appLog;
  let server: HeadlessServer | undefined;
  const shutdown = installShutdown({
    log,
    stop: async () => {
      await host.withdraw();
      await server?.close();
      await host.close();
      log.write('info', 'stopped: every provider is down');
    },
    hurry: () => host.hurry(),
    killNow: () => host.killAllNow(),
    // The providers' grace period (Settings), and time to stop the servers after it.
    deadlineMs: () => (host.settings.values.stopGraceSec + 30) * 1000,
  });
  try {
    server = await startHeadlessServer({
      rpc: host.rpc,
      staticDir,
      host: values.host,
      expose: exposed,
      token: hostKey,
      port,
      strictPort: port !== undefined,
    });
  } catch (error) {
    shutdown.dispose();
    await host.close();
    throw error;
  }
  log.write('info', `headless host serving ${host.paths.base} at ${new URL(server.url).origin}`);
  console.log(`${APP_NAME} ${APP_VERSION}: headless host, base directory ${host.paths.base}`);
  for (const problem of host.settings.state().problems) console.log(`Settings problem: ${problem.message} ${problem.hint}`);
  if (
    values['log-level'] &&
    host.settings.state().sources.logLevel === 'saved' &&
    host.settings.values.logLevel !== values['log-level'].toLowerCase()
  )
    console.log(`Note: the log level saved in Settings (${host.settings.values.logLevel}) wins over --log-level.`);
  for (const notice of server.notices) console.log(`Note: ${notice}`);
  const gateway = host.gateway.status();
  if (gateway.url) console.log(`OpenAI-compatible gateway: ${gateway.url}${gateway.apiKey ? ' (API key on the Gateway page)' : ''}`);
  else if (gateway.error) {
    console.log(`Gateway not listening: ${gateway.error.message} ${gateway.error.hint}`);
    // A port in use is tried again; the terminal that was told "not listening" hears when it is.
    const listeningLater = (status: GatewayStatus) => {
      if (!status.url) return;
      host.gateway.off('changed', listeningLater);
      console.log(`OpenAI-compatible gateway, listening now: ${status.url}`);
    };
    host.gateway.on('changed', listeningLater);
  }
  // Before the URL: a CLI run in another terminal as soon as the URL shows finds this host.
  await host.announce({ origin: new URL(server.url).origin, token: server.token, mode: 'headless' });
  if (hostKey) {
    // The key is the user's own and outlives this run: it is not echoed to the terminal.
    console.log('Open this URL in a browser, with your HELIX_LOCAL_LLM_HOST_KEY as the token:');
    console.log(server.url.replace(`token=${hostKey}`, 'token=<HELIX_LOCAL_LLM_HOST_KEY>'));
  } else {
    console.log('Open this URL in a browser (it carries the session token):');
    console.log(server.url);
  }
  // Runs until a signal: the shutdown stops every provider, then exits the process itself.
  return new Promise<number>(() => undefined);
}

/**
 * A second `serve` (or `npm start`) on a folder a headless host already serves: the refusal gives
 * that host's URL, since opening it is what the user wanted.
 */
async function withRunningHostUrl(error: unknown): Promise<unknown> {
  if (!(error instanceof AppFailure) || error.code !== 'CONFLICT') return error;
  const { host } = await locate().catch(() => ({ host: undefined }));
  if (!host || host.mode !== 'headless') return error;
  return new AppFailure({
    code: error.code,
    message: error.message,
    hint: `Open it in a browser: ${hostPageUrl(host)} (the CLI talks to it too). Or stop it first, or choose another base directory with HELIX_LOCAL_LLM_DIR.`,
  });
}
