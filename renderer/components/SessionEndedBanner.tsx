import { useConnection } from '../api/context';

/**
 * Over every page once the host refuses this page's token: after a restart (each start makes a new
 * token) the page cannot reconnect by itself, and its cards' "not connected" errors would otherwise
 * say to wait for a connection that will never come.
 */
export function SessionEndedBanner() {
  const { status } = useConnection();
  if (status !== 'unauthorized') return null;
  return (
    <div className="notice notice-error session-ended" role="alert" data-testid="session-ended">
      <strong>This page’s session has ended.</strong> The host was restarted (each start makes a new session token) or this link is an old
      one. Open the URL the host printed in its terminal; <code>local-llm-manager status</code> prints it too.
    </div>
  );
}
