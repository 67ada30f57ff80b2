import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useClient } from '../../api/context';
import type { ProviderSummary } from '../../../shared/provider';
import type { RecipeCommands } from '../../../shared/recipe-commands';
import { RecipeCommandsDialog } from './RecipeCommandsDialog';

interface Waiting {
  commands: RecipeCommands;
  action: string;
  proceed(): void;
}

/**
 * Install and Start of a custom recipe go through here: built-ins and confirmed recipes proceed at
 * once; an unconfirmed one (new, or edited since) first shows its commands to confirm. The host
 * refuses either way until confirmed; this only lets the user do it where they pressed.
 */
export function useRecipeConfirmation(): {
  guard(provider: ProviderSummary, action: string, proceed: () => void): void;
  dialog: ReactNode;
  checking: boolean;
  error: unknown;
} {
  const client = useClient();
  const [waiting, setWaiting] = useState<Waiting | undefined>();
  const check = useMutation({ mutationFn: (id: string) => client.invoke('providers.commands', { id }) });
  const confirm = useMutation({ mutationFn: (c: RecipeCommands) => client.invoke('providers.trust', { id: c.id, hash: c.hash }) });

  const guard = (provider: ProviderSummary, action: string, proceed: () => void) => {
    if (provider.origin !== 'user') return proceed();
    check.mutate(provider.id, { onSuccess: (commands) => (commands.trusted ? proceed() : setWaiting({ commands, action, proceed })) });
  };
  const close = () => {
    setWaiting(undefined);
    confirm.reset();
  };
  const dialog = waiting && (
    <RecipeCommandsDialog
      commands={waiting.commands}
      action={waiting.action}
      pending={confirm.isPending}
      error={confirm.error}
      onCancel={close}
      onConfirm={() =>
        confirm.mutate(waiting.commands, {
          onSuccess: () => {
            close();
            waiting.proceed();
          },
        })
      }
    />
  );
  return { guard, dialog, checking: check.isPending, error: check.error };
}
