import { describe, expect, it } from 'vitest';
import type { Contract } from '../../../shared/contract';
import type { DiscoveryResults } from '../../../shared/discovery';
import type { ProviderState } from '../../../shared/provider';
import { RpcClient } from '../../../shared/rpc/client';
import { createMemoryPair } from '../../../shared/rpc/memory';
import { startTestHost } from '../../../test/host-fixture';
import { startStandIn } from '../../../test/provider-stand-ins';

async function hostWithClient() {
  const host = await startTestHost();
  const [clientSide, serverSide] = createMemoryPair();
  host.rpc.connect(serverSide, { via: 'memory', connectionId: 'test' });
  return { host, client: new RpcClient<Contract>(clientSide, { timeoutMs: 10_000 }) };
}

describe('servers found running outside the app, through the contract', () => {
  it('an added endpoint shows as an external provider tile that cannot be stopped, started or restarted', async () => {
    const ollama = await startStandIn('ollama');
    const { client } = await hostWithClient();
    const states: ProviderState[] = [];
    const changes: DiscoveryResults[] = [];
    client.on('providers.state', (state) => states.push(state));
    client.on('discovery.changed', (results) => changes.push(results));

    const results = await client.invoke('discovery.addEndpoint', { endpoint: `localhost:${ollama.port}` });
    expect(results.endpoints).toEqual([`127.0.0.1:${ollama.port}`]);
    expect(results.servers.find((s) => s.port === ollama.port)).toMatchObject({
      providerId: 'ollama',
      ownership: 'external',
      sources: ['endpoint'],
    });
    expect((await client.invoke('settings.get')).values.discovery.endpoints).toEqual([`127.0.0.1:${ollama.port}`]);

    const tile = (await client.invoke('providers.list')).providers.find((p) => p.id === 'ollama')!;
    expect(tile.state).toMatchObject({
      status: 'external',
      port: ollama.port,
      models: ['llama3.2:1b'],
      external: { baseUrl: `http://127.0.0.1:${ollama.port}`, version: '0.12.3', confidence: 'strong' },
    });
    await expect.poll(() => states.find((s) => s.id === 'ollama')?.status).toBe('external');
    await expect.poll(() => changes.length).toBeGreaterThan(0);

    for (const action of ['providers.stop', 'providers.restart', 'providers.start'] as const) {
      const error = await client.invoke(action, { id: 'ollama' }).catch((e: unknown) => e);
      expect(error, action).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`http://127.0.0.1:${ollama.port}`) });
    }
    expect(ollama.pid && process.kill(ollama.pid, 0)).toBe(true);

    await ollama.stop();
    const after = await client.invoke('discovery.scan');
    expect(after.servers.find((s) => s.port === ollama.port)).toBeUndefined();
    const back = (await client.invoke('providers.get', { id: 'ollama' })).state.status;
    expect(back).not.toBe('external');
    await expect.poll(() => states.filter((s) => s.id === 'ollama').at(-1)?.status).toBe(back);

    await client.invoke('discovery.removeEndpoint', { endpoint: `127.0.0.1:${ollama.port}` });
    expect((await client.invoke('discovery.results')).endpoints).toEqual([]);
  });

  it('refuses an endpoint that is not host:port, and removing one never saved, naming the problem', async () => {
    const { client } = await hostWithClient();
    await expect(client.invoke('discovery.addEndpoint', { endpoint: 'gpu box' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('host:port'),
    });
    await expect(client.invoke('discovery.addEndpoint', { endpoint: '10.0.0.2:70000' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(client.invoke('discovery.removeEndpoint', { endpoint: '10.0.0.2:8000' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
