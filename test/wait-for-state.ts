import type { ProviderState } from '../shared/provider';
import type { Supervisor } from '../main/services/supervision/supervisor';

/** The next state the supervisor reports that matches, or a rejection after `timeoutMs`. */
export function waitForState(supervisor: Supervisor, predicate: (s: ProviderState) => boolean, timeoutMs = 20_000): Promise<ProviderState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for a state')), timeoutMs);
    const listener = (state: ProviderState) => {
      if (!predicate(state)) return;
      clearTimeout(timer);
      supervisor.off('state', listener);
      resolve(state);
    };
    supervisor.on('state', listener);
  });
}
