import { describe, expect, it } from 'vitest';
import { DEFAULT_DISCOVERY_INTERVAL_SEC, type DiscoveryResults } from '../../../shared/discovery';
import { RecipeSchema, type ProviderRecipe } from '../../../shared/recipe';
import { startStandIn, type StandInKind } from '../../../test/provider-stand-ins';
import { BUILTIN_RECIPES } from '../../builtin-recipes/builtin';
import { pickPort } from '../os/ports';
import { holdTheLoopSoon } from '../../../test/hold-the-loop';
import { DiscoveryService } from './discovery';
import { tcpOpen } from './http-probe';

const CATALOG = BUILTIN_RECIPES.map((input) => RecipeSchema.parse(input));

/** Discovery over the real catalog, probing only the given endpoints (never this machine's default ports). */
function discoveryOf(
  endpoints: string[],
  options: {
    ownPorts?: Map<number, string>;
    recipes?: ProviderRecipe[];
    defaultPorts?: boolean;
    timeouts?: ConstructorParameters<typeof DiscoveryService>[0]['timeouts'];
  } = {},
) {
  return new DiscoveryService({
    recipes: () => options.recipes ?? CATALOG,
    ownPorts: () => options.ownPorts ?? new Map(),
    settings: () => ({ endpoints, intervalSec: DEFAULT_DISCOVERY_INTERVAL_SEC }),
    scanDefaultPorts: options.defaultPorts ?? false,
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
  });
}

const serverAt = (results: DiscoveryResults, port: number) => results.servers.find((s) => s.port === port);

describe('discovery against stand-ins answering as provider-facts.md says', () => {
  it('names each provider by its strongest signal, with version and models', async () => {
    const expected: Array<{ kind: StandInKind; providerId: string; version?: string; models: string[] }> = [
      { kind: 'ollama', providerId: 'ollama', version: '0.12.3', models: ['llama3.2:1b'] },
      { kind: 'llama-server', providerId: 'llamacpp', version: 'b0000-standin', models: ['stand-in.gguf'] },
      { kind: 'vllm', providerId: 'vllm', version: '0.11.0', models: ['Qwen/Qwen3-0.6B'] },
      { kind: 'lmstudio', providerId: 'lmstudio', models: ['qwen2.5-7b-instruct'] },
      { kind: 'koboldcpp', providerId: 'koboldcpp', version: '1.98.1', models: ['koboldcpp/tiny-llama'] },
      // Its /v1/models wants a key; /.well-known/serviceinfo does not.
      { kind: 'tabbyapi', providerId: 'tabbyapi', models: [] },
      // Answers Ollama's "/" and /api/version too; its own /.well-known/localai.json decides.
      { kind: 'localai-ollama', providerId: 'localai', version: 'v3.7.0', models: ['qwen2.5-0.5b'] },
    ];
    const standIns = await Promise.all(expected.map(({ kind }) => startStandIn(kind)));
    const results = await discoveryOf(standIns.map((s) => `127.0.0.1:${s.port}`)).scan();

    const seen = standIns.map((standIn) => {
      const server = serverAt(results, standIn.port);
      return { kind: standIn.kind, providerId: server?.providerId, version: server?.version, models: server?.models };
    });
    expect(seen).toEqual(expected);
    for (const standIn of standIns) {
      const server = serverAt(results, standIn.port)!;
      expect({ kind: standIn.kind, as: server.kind, confidence: server.confidence, ownership: server.ownership, pid: server.pid }).toEqual({
        kind: standIn.kind,
        as: 'provider',
        confidence: 'strong',
        ownership: 'external',
        pid: standIn.pid,
      });
      expect(server.healthy, `${standIn.kind}: ${server.health?.detail}`).toBe(true);
    }
    expect(serverAt(results, standIns[6]!.port)!.evidence[0]).toMatch(/\/\.well-known\/localai\.json/);
    expect(serverAt(results, standIns[5]!.port)!.locked).toEqual({ status: 401 });
    expect(serverAt(results, standIns[0]!.port)!.locked).toBeUndefined();
  });

  it('reports a server that answers 401 to everything as running and locked, named by its port when only one recipe uses it', async () => {
    const locked = await startStandIn('locked');
    const jan = CATALOG.find((r) => r.id === 'jan')!;
    const results = await discoveryOf([], {
      recipes: [...CATALOG.filter((r) => r.id !== 'jan'), { ...jan, defaultPort: locked.port }],
      defaultPorts: true,
    }).scan();
    const server = serverAt(results, locked.port)!;
    expect(server).toMatchObject({
      kind: 'locked',
      locked: { status: 401 },
      providerId: 'jan',
      confidence: 'port',
      sources: ['default-port'],
    });

    const elsewhere = await discoveryOf([`127.0.0.1:${locked.port}`]).scan();
    expect(serverAt(elsewhere, locked.port)).toMatchObject({ kind: 'locked', locked: { status: 401 }, healthy: false });
    expect(serverAt(elsewhere, locked.port)!.providerId).toBeUndefined();
  });

  it('reports an OpenAI-compatible server no recipe knows as unknown, usable by the gateway', async () => {
    const unknown = await startStandIn('openai');
    const discovery = discoveryOf([`127.0.0.1:${unknown.port}`]);
    const source = discovery.upstreamSource();
    let changes = 0;
    const off = source.onChange(() => changes++);
    const server = serverAt(await discovery.scan(), unknown.port)!;
    off();
    expect(changes).toBe(1);
    expect(source.list()).toEqual([
      {
        providerId: `openai-compatible@127.0.0.1:${unknown.port}`,
        baseUrl: `http://127.0.0.1:${unknown.port}`,
        models: ['mystery-7b'],
        healthy: true,
        state: 'external',
      },
    ]);
    expect(server).toMatchObject({ kind: 'openai-compatible', models: ['mystery-7b'], healthy: true, ownership: 'external' });
    expect(server.providerId).toBeUndefined();
    expect(discovery.externalUpstreams()).toEqual([
      {
        id: `openai-compatible@127.0.0.1:${unknown.port}`,
        providerId: 'openai-compatible',
        name: 'OpenAI-compatible server',
        baseUrl: `http://127.0.0.1:${unknown.port}`,
        models: ['mystery-7b'],
        healthy: true,
        locked: false,
      },
    ]);
  });

  it('puts a runner that Ollama started on a random port under Ollama, not beside it', async () => {
    const ollama = await startStandIn('ollama', { runner: true });
    const runner = ollama.runner!;

    // Named as an endpoint, the runner is still found to be Ollama's.
    const named = discoveryOf([`127.0.0.1:${ollama.port}`, `127.0.0.1:${runner.port}`]);
    const both = await named.scan();
    expect(serverAt(both, runner.port)).toMatchObject({
      providerId: 'llamacpp',
      pid: runner.pid,
      parent: { key: `127.0.0.1:${ollama.port}`, pid: ollama.pid, providerId: 'ollama', providerName: 'Ollama' },
    });
    expect(named.externalUpstreams().map((u) => u.providerId)).toEqual(['ollama']);
    expect(named.externalFor('llamacpp')).toBeUndefined();
    expect(named.externalFor('ollama')?.server.port).toBe(ollama.port);

    // Not named at all, it is found among Ollama's children.
    const found = await discoveryOf([`127.0.0.1:${ollama.port}`]).scan();
    expect(serverAt(found, runner.port)).toMatchObject({
      sources: ['child'],
      providerId: 'llamacpp',
      parent: { providerId: 'ollama', pid: ollama.pid },
    });
  });

  it('tells servers this app runs from external ones, and keeps ours out of the external upstreams', async () => {
    const ours = await startStandIn('llama-server');
    const theirs = await startStandIn('vllm');
    const discovery = discoveryOf([`127.0.0.1:${theirs.port}`], { ownPorts: new Map([[ours.port, 'llamacpp']]) });
    const results = await discovery.scan();
    expect(serverAt(results, ours.port)).toMatchObject({ ownership: 'ours', ownedBy: 'llamacpp', sources: ['ours'] });
    expect(serverAt(results, theirs.port)).toMatchObject({ ownership: 'external', sources: ['endpoint'] });
    expect(discovery.externalUpstreams().map((u) => u.id)).toEqual([`vllm@127.0.0.1:${theirs.port}`]);
    expect(discovery.externalFor('llamacpp')).toBeUndefined();
  });

  it('says "changed" only when what it finds changes', async () => {
    const port = await pickPort(40000 + Math.floor(Math.random() * 10000));
    const discovery = discoveryOf([`127.0.0.1:${port}`]);
    const events: DiscoveryResults[] = [];
    discovery.on('changed', (results) => events.push(results));

    // Nothing found at first is no news.
    expect((await discovery.scan()).servers).toEqual([]);
    expect(events).toHaveLength(0);

    const standIn = await startStandIn('ollama', { port });
    await discovery.scan();
    await discovery.scan();
    expect(events.map((e) => e.servers.map((s) => s.providerId))).toEqual([['ollama']]);

    await standIn.stop();
    await discovery.scan();
    expect(events.map((e) => e.servers.length)).toEqual([1, 0]);
  });

  it('shares a running scan between callers, and a fresh scan waits for it and runs again', async () => {
    const discovery = discoveryOf([]);
    const first = discovery.scan();
    expect(discovery.scan()).toBe(first);
    const fresh = discovery.scan({ fresh: true });
    expect(fresh).not.toBe(first);
    const [a, b] = await Promise.all([first, fresh]);
    expect(Date.parse(b.scannedAt!)).toBeGreaterThanOrEqual(Date.parse(a.scannedAt!));
  });
});

describe('a scan the host itself held up', () => {
  it('does not report a server gone, unhealthy or renamed because its answers waited on us', async () => {
    const ollama = await startStandIn('ollama');
    const discovery = discoveryOf([`127.0.0.1:${ollama.port}`], { timeouts: { loopbackConnectMs: 300, requestMs: 500 } });
    const before = serverAt(await discovery.scan(), ollama.port);
    expect(before).toMatchObject({ providerId: 'ollama', healthy: true, models: ['llama3.2:1b'] });

    const changes: DiscoveryResults[] = [];
    discovery.on('changed', (results) => changes.push(results));
    // The scan's first requests go out in this turn of the loop and the hold ends it. The stand-in
    // (a process of its own) answers at once, but every deadline passes before this process reads
    // a byte. A second look at once sees it as it is.
    const held = discovery.scan();
    holdTheLoopSoon(1500);
    const after = serverAt(await held, ollama.port);
    expect(after).toMatchObject({ providerId: 'ollama', confidence: 'strong', healthy: true, models: ['llama3.2:1b'] });
    expect(changes).toEqual([]);

    // A server that really went away is still reported gone, at the same scan.
    await ollama.stop();
    expect(serverAt(await discovery.scan(), ollama.port)).toBeUndefined();
    expect(changes).toHaveLength(1);
  });

  it('sees a connection the server took while the loop was held, before the connect deadline', async () => {
    const ollama = await startStandIn('ollama');
    const open = tcpOpen('127.0.0.1', ollama.port, 100);
    holdTheLoopSoon(500);
    expect(await open).toBe(true);
  });

  it('looks again at once at a server that missed one look, before it takes it out of the gateway', async () => {
    const ollama = await startStandIn('ollama');
    const discovery = discoveryOf([`127.0.0.1:${ollama.port}`], { timeouts: { loopbackConnectMs: 300, requestMs: 500 } });
    expect(serverAt(await discovery.scan(), ollama.port)).toMatchObject({ providerId: 'ollama', healthy: true });

    // The server itself stops answering for longer than one look's deadline (it is stopped), then
    // answers again while the second look waits.
    process.kill(ollama.pid, 'SIGSTOP');
    const resume = setTimeout(() => process.kill(ollama.pid, 'SIGCONT'), 750);
    try {
      const started = performance.now();
      const results = await discovery.scan();
      expect(performance.now() - started).toBeGreaterThan(500);
      expect(serverAt(results, ollama.port)).toMatchObject({ providerId: 'ollama', healthy: true, models: ['llama3.2:1b'] });
    } finally {
      clearTimeout(resume);
      process.kill(ollama.pid, 'SIGCONT');
    }
  });
});
