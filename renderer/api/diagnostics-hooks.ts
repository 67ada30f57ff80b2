import { useMutation } from '@tanstack/react-query';
import { useClient } from './context';

/** diagnostics.create, answered as base64 for the page to offer as a download. */
export function useCreateDiagnostics() {
  const client = useClient();
  return useMutation({ mutationFn: () => client.invoke('diagnostics.create', {}) });
}
