import { AppFailure } from '../shared/errors';
import type { GatewayStatus } from '../shared/gateway';
import type { OnDemandStatus } from '../shared/on-demand';
import { colours, noHost, paintStatus, parse, printJson, runningHost, UsageError } from './cli-common';
import { backgroundHost } from './cli-background-host';
import { ARGS } from './cli-options';

export async function runGateway(args: string[]): Promise<number> {
  const { values, positionals } = parse('gateway', args, ARGS.gateway);
  const sub = positionals[0] ?? 'status';
  if (positionals.length > 1 || (sub !== 'status' && sub !== 'url')) throw new UsageError('"gateway" takes "status" or "url".', 'gateway');
  const { status, onDemand } = await hostGateway('the gateway', sub === 'status');
  if (sub === 'url') {
    const url = listeningUrl(status);
    if (values.json) printJson({ url });
    else console.log(url);
    return 0;
  }
  // The key stays out of plain output: it is on the Gateway page, and in --json for scripts that need it.
  if (values.json) printJson(onDemand ? { ...status, onDemand } : status);
  else console.log(formatGateway(status, onDemand));
  return status.listening || !status.enabled ? 0 : 1;
}

/**
 * The running host's gateway, and (when asked) the models it loads on demand. With none running,
 * `orStart` starts one in the background (`chat`: a newcomer's question needs no `serve` first);
 * else `what` names the command in the no-host error.
 */
export async function hostGateway(
  what: string,
  withModels: boolean,
  orStart = false,
): Promise<{ status: GatewayStatus; onDemand?: OnDemandStatus }> {
  let remote = await runningHost();
  if (!remote && orStart) remote = await backgroundHost();
  if (!remote) throw noHost(what);
  try {
    const status = await remote.client.invoke('gateway.status');
    // Secondary: a host that cannot say still gets its routes shown.
    const onDemand = withModels ? await remote.client.invoke('gateway.models').catch(() => undefined) : undefined;
    return { status, onDemand };
  } finally {
    remote.close();
  }
}

/** The gateway's base URL, or why there is none and how to mend it. */
export function listeningUrl(status: GatewayStatus): string {
  if (status.url) return status.url;
  throw new AppFailure({
    code: 'CONFLICT',
    message: status.enabled
      ? `The gateway is not listening${status.error ? `: ${status.error.message}` : '.'}`
      : 'The gateway is turned off.',
    hint: status.error?.hint ?? 'Turn it on on the Gateway page (or gateway.update { enabled: true }).',
  });
}

function formatGateway(status: GatewayStatus, onDemand?: OnDemandStatus, c = colours()): string {
  const lines = [
    status.listening
      ? `Gateway: ${c.green('listening')} at ${c.bold(status.url ?? '')}${status.apiKey ? ' (API key required; on the Gateway page)' : ''}`
      : status.enabled
        ? `Gateway: ${c.red('not listening')}${status.error ? ` — ${status.error.message}\nFix: ${status.error.hint}` : ''}`
        : 'Gateway: turned off',
    `Strategy: ${status.strategy}${
      Object.keys(status.modelStrategies).length
        ? ` (per model: ${Object.entries(status.modelStrategies)
            .map(([m, s]) => `${m} ${s}`)
            .join(', ')})`
        : ''
    }`,
  ];
  const routed = new Set(status.routes.map((r) => r.model));
  const loadable = onDemand?.settings.enabled ? onDemand.models.filter((m) => !routed.has(m.id)) : [];
  if (status.routes.length === 0 && loadable.length === 0)
    lines.push('No models to route to yet: start a provider, or put a model in the models folder.');
  for (const route of status.routes) {
    lines.push(`  ${c.bold(route.model)}  (${route.strategy})`);
    for (const t of route.targets)
      lines.push(`    ${t.providerId.padEnd(20)} ${paintStatus(t.healthy ? 'running' : t.state, c)}  ${t.baseUrl}`);
  }
  if (loadable.length > 0) {
    lines.push(`Loaded on demand when a request names one (${loadable.length}):`);
    for (const m of loadable) lines.push(`  ${c.bold(m.id)}  ${m.state}${m.reason && m.state === 'failed' ? `: ${m.reason}` : ''}`);
  }
  return lines.join('\n');
}
