import type { DiscoveryResults } from '../shared/discovery';
import { colours, parse, printJson, viaHostOr } from './cli-common';
import { ARGS } from './cli-options';

export async function runDiscover(args: string[]): Promise<number> {
  const { values } = parse('discover', args, ARGS.discover);
  const results = await viaHostOr((api) => api.invoke('discovery.scan'), scanWithoutHost);
  if (values.json) printJson(results);
  else console.log(formatDiscovery(results));
  return 0;
}

export function formatDiscovery(results: DiscoveryResults, c = colours()): string {
  // A saved endpoint nothing answers at is worth a line: a typo in its port looks like no server at all.
  const silent = results.endpoints
    .filter((endpoint) => !results.servers.some((s) => s.key === endpoint))
    .map((endpoint) => c.yellow(`Saved endpoint ${endpoint}: nothing answers there.`));
  if (results.servers.length === 0) return [`No LLM server answered (${results.probed} ports probed).`, ...silent].join('\n');
  const lines = results.servers.map((s) => {
    const what = s.providerName ?? (s.kind === 'openai-compatible' ? 'OpenAI-compatible server' : s.kind);
    const state = s.locked
      ? c.yellow(`locked (${s.locked.status}), needs an API key`)
      : s.healthy
        ? c.green('healthy')
        : c.red('not healthy');
    const owner = s.ownership === 'ours' ? `ours (${s.ownedBy})` : 'external';
    const models = s.models.length
      ? `\n    models: ${s.models.slice(0, 8).join(', ')}${s.models.length > 8 ? `, +${s.models.length - 8} more` : ''}`
      : '';
    return `${c.bold(s.baseUrl)}  ${what}  ${state}  ${owner}${s.pid ? `  pid ${s.pid}` : ''}${models}`;
  });
  lines.push(
    ...silent,
    c.dim(
      `${results.servers.length} found, ${results.probed} probed${results.durationMs !== undefined ? ` in ${results.durationMs} ms` : ''}.`,
    ),
  );
  return lines.join('\n');
}

/**
 * No host runs, so nothing of ours listens: a scan needs only the recipes, the saved endpoints and
 * their keys, read as `status` reads the folder (nothing created or locked).
 */
async function scanWithoutHost(): Promise<DiscoveryResults> {
  const [{ openBaseDir }, { DiscoveryService }, { UpstreamKeys }, { secretStoreFor }] = await Promise.all([
    import('./host'),
    import('./services/discovery/discovery'),
    import('./services/secrets/upstream-keys'),
    import('./services/secrets/secret-store'),
  ]);
  const base = await openBaseDir({ readOnly: true });
  const discovery = new DiscoveryService({
    recipes: () => base.catalog.list().map((entry) => entry.recipe),
    ownPorts: () => new Map(),
    settings: () => base.settings.values.discovery,
    keys: await UpstreamKeys.open(secretStoreFor(base.paths.config)),
  });
  return discovery.scan({ fresh: true });
}
