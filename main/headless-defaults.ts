// Apart from headless.ts so the CLI's usage text and checks can name them without loading the server.

/** Default port of the headless UI; no provider in the catalog uses it. */
export const DEFAULT_UI_PORT = 7420;

/** An exposed host's key: as long as a random 24-byte session token in base64url, so no weaker. */
export const MIN_EXPOSED_KEY_LENGTH = 32;
