import { useQuery } from '@tanstack/react-query';
import type { DiscoveryResults } from '../../shared/discovery';
import { useClient } from './context';
import { useHostMutation } from './host-mutation';
import { queryKeys } from './query-keys';

/** What the host's last scan found; kept current by `discovery.changed` events. */
export function useDiscovery() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.discovery, queryFn: () => client.invoke('discovery.results') });
}

/** Scan now, add or remove an endpoint: each answers with a fresh scan, which replaces the cached one. */
export function useDiscoveryAction() {
  return useHostMutation((client, action: { kind: 'scan' } | { kind: 'add' | 'remove'; endpoint: string }): Promise<DiscoveryResults> => {
    if (action.kind === 'scan') return client.invoke('discovery.scan');
    return client.invoke(action.kind === 'add' ? 'discovery.addEndpoint' : 'discovery.removeEndpoint', { endpoint: action.endpoint });
  }, queryKeys.discovery);
}
