import { TRY_MESSAGE_MAX_CHARS } from '../../../shared/gateway';
import { formatInteger } from '../../format/count';

/** Send while nothing streams, Stop while an answer does (the form's submit is Send). */
export function SendOrStop({
  running,
  onStop,
  canSend,
  testIdPrefix,
}: {
  running: boolean;
  onStop(): void;
  canSend: boolean;
  testIdPrefix: string;
}) {
  return running ? (
    <button type="button" className="button button-secondary" data-testid={`${testIdPrefix}-stop`} onClick={onStop}>
      Stop
    </button>
  ) : (
    <button type="submit" className="button button-primary" data-testid={`${testIdPrefix}-send`} disabled={!canSend}>
      Send
    </button>
  );
}

/** Whether a message is over what a turn through the host carries. */
export const isTooLong = (message: string) => message.length > TRY_MESSAGE_MAX_CHARS;

/** Why a message is not sent, and where a longer one goes. */
export function MessageTooLong({ message, sender, gatewayUrl, id }: { message: string; sender: string; gatewayUrl?: string; id: string }) {
  if (!isTooLong(message)) return null;
  return (
    <p className="field-error" id={id} data-testid={id}>
      This message is {formatInteger(message.length)} characters; {sender} sends at most {formatInteger(TRY_MESSAGE_MAX_CHARS)}. Send longer
      ones to the gateway&apos;s API{gatewayUrl ? ` (${gatewayUrl})` : ''}, which takes them whole.
    </p>
  );
}
