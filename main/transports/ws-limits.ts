/**
 * How much one WebSocket client may cost the host. The defaults hold a browser tab that is busy
 * for a few seconds (a burst of log lines), not one that stopped reading: the host's memory must
 * stay bounded whatever its clients do.
 */
export interface WsLimits {
  /** A client with more than this queued and unsent (ws.bufferedAmount) is dropped. */
  maxBufferedBytes: number;
  /** A ping goes out this often; a client that has not answered the previous one is terminated. */
  heartbeatMs: number;
  /** Upgrades past this many open clients get HTTP 503. */
  maxClients: number;
  /** A frame larger than this closes the socket (1009) before it is parsed. */
  maxFrameBytes: number;
  /** After a slow client's close frame, how long it gets before its socket is destroyed. */
  closeGraceMs: number;
}

export const DEFAULT_WS_LIMITS: WsLimits = {
  maxBufferedBytes: 16 * 1024 * 1024,
  heartbeatMs: 30_000,
  maxClients: 32,
  maxFrameBytes: 1024 * 1024,
  closeGraceMs: 2_000,
};

/** Environment overrides, so a test (or an operator) can tighten them on a real host process. */
const ENV_KEYS: Record<string, keyof WsLimits> = {
  HELIX_LOCAL_LLM_WS_MAX_BUFFERED_BYTES: 'maxBufferedBytes',
  HELIX_LOCAL_LLM_WS_HEARTBEAT_MS: 'heartbeatMs',
  HELIX_LOCAL_LLM_WS_MAX_CLIENTS: 'maxClients',
};

/** Limits from the environment; a value that is not a positive whole number is ignored. */
export function wsLimitsFromEnv(env: NodeJS.ProcessEnv): Partial<WsLimits> {
  const limits: Partial<WsLimits> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const raw = env[name];
    if (raw === undefined || !/^\d{1,12}$/.test(raw.trim())) continue;
    const value = Number(raw);
    if (value > 0) limits[key] = value;
  }
  return limits;
}
