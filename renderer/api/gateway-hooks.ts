import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { GatewayPatch, TryChatRequest, TryChatResult } from '../../shared/gateway';
import { useClient } from './context';
import { useHostMutation } from './host-mutation';
import { queryKeys } from './query-keys';

/** The gateway's URL, key, strategies and routing table; kept live by gateway.changed events. */
export function useGatewayStatus() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.gateway, queryFn: () => client.invoke('gateway.status') });
}

/** Per-provider stats; kept live by gateway.stats events (at most one a second, only while requests flow). */
export function useGatewayStats() {
  const client = useClient();
  return useQuery({ queryKey: queryKeys.gatewayStats, queryFn: () => client.invoke('gateway.stats') });
}

export function useUpdateGateway() {
  return useHostMutation((client, patch: GatewayPatch) => client.invoke('gateway.update', patch), queryKeys.gateway);
}

const onDemandKey = ['gateway', 'models'] as const;

/** Models the gateway loads on demand, with their state; kept live by gateway.models events while shown. */
export function useOnDemandModels() {
  const client = useClient();
  const queryClient = useQueryClient();
  useEffect(() => client.on('gateway.models', (status) => queryClient.setQueryData(onDemandKey, status)), [client, queryClient]);
  return useQuery({ queryKey: onDemandKey, queryFn: () => client.invoke('gateway.models') });
}

export function useUnloadModel() {
  return useHostMutation((client, model: string) => client.invoke('gateway.unload', { model }), onDemandKey);
}

export interface TryChatState {
  text: string;
  /** The model's thinking so far, apart from its answer. */
  reasoning: string;
  running: boolean;
  result?: TryChatResult;
  error?: unknown;
}

/**
 * One "try it" conversation turn at a time: the host streams it through the gateway and sends
 * the text back as gateway.tryChunk events, which are matched to this turn by its id.
 */
export function useTryChat() {
  const client = useClient();
  const [state, setState] = useState<TryChatState>({ text: '', reasoning: '', running: false });
  const current = useRef<string | undefined>(undefined);

  useEffect(
    () =>
      client.on('gateway.tryChunk', ({ id, delta, reasoning }) => {
        if (id !== current.current) return;
        setState((s) => (reasoning ? { ...s, reasoning: s.reasoning + delta } : { ...s, text: s.text + delta }));
      }),
    [client],
  );

  /** Starts a turn; the promise settles with its result (or error) as the state does, for callers that keep a conversation. */
  const send = useCallback(
    (request: Omit<TryChatRequest, 'id'>): Promise<TryChatResult> => {
      const id = `try-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      current.current = id;
      setState({ text: '', reasoning: '', running: true });
      const turn = client.invoke('gateway.try', { ...request, id });
      turn.then(
        (result) => {
          if (current.current === id) setState({ text: result.text, reasoning: result.reasoning ?? '', running: false, result });
        },
        (error: unknown) => {
          if (current.current === id) setState((s) => ({ ...s, running: false, error }));
        },
      );
      return turn;
    },
    [client],
  );

  const stop = useCallback(() => {
    if (current.current) void client.invoke('gateway.tryCancel', { id: current.current });
  }, [client]);

  return { ...state, send, stop };
}
