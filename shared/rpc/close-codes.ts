/**
 * WebSocket close codes the host sends and the UI reads (4000-4999 is for applications), defined
 * once for both sides.
 */

/** The session token is missing or wrong; the UI tells the user to open the printed URL. */
export const UNAUTHORIZED_CLOSE_CODE = 4401;

/** The client stopped reading its events; the UI reconnects and refetches. */
export const TOO_SLOW_CLOSE_CODE = 4408;
