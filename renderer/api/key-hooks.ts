import { useQuery } from '@tanstack/react-query';
import type { KeysStatus, KeyTarget } from '../../shared/upstream-keys';
import { useClient } from './context';
import { useHostMutation } from './host-mutation';
import { queryKeys } from './query-keys';

/** Which providers and endpoints have a key (last 4 characters only); kept current by `keys.changed`. */
export function useKeys() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.keys, queryFn: () => client.invoke('keys.status') });
}

export type KeyAction = { kind: 'set'; target: KeyTarget; key: string } | { kind: 'remove'; target: KeyTarget };

/**
 * Save or forget a key. The host probes the server again before it answers, so the tile's new
 * state (unlocked, or the key refused) arrives with or just before the answer.
 */
export function useKeyAction() {
  return useHostMutation(
    (client, action: KeyAction): Promise<KeysStatus> =>
      action.kind === 'set'
        ? client.invoke('keys.set', { ...action.target, key: action.key })
        : client.invoke('keys.remove', action.target),
    queryKeys.keys,
  );
}
