/** How much the gateway takes and how long it waits. Tests shrink these; users get the defaults. */
export interface GatewayLimits {
  /** Connections held at once; past it new ones are closed at accept. */
  maxConnections: number;
  /** A request body above this is refused with 413 (base64 images make chat bodies large). */
  maxBodyBytes: number;
  /** A client has this long to send its request headers (slowloris), then gets 408. */
  headersTimeoutMs: number;
  /** …and this long to send the whole request. */
  requestTimeoutMs: number;
  /** An upstream that does not accept the connection in this time is skipped. */
  connectTimeoutMs: number;
  /**
   * An upstream that sends nothing for this long before its first byte is skipped. Generous: a
   * non-streaming completion sends its first byte only when the whole answer is ready.
   */
  firstByteTimeoutMs: number;
  /** How long an upstream that failed before its first byte sits out of the rotation. */
  cooldownMs: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxConnections: 1024,
  maxBodyBytes: 32 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  connectTimeoutMs: 5_000,
  firstByteTimeoutMs: 300_000,
  cooldownMs: 10_000,
};
