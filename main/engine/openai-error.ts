import type { ServerResponse } from 'node:http';

/** OpenAI's error shape, so every OpenAI client shows our errors properly. */
export function sendOpenAiError(
  res: ServerResponse,
  status: number,
  message: string,
  type = status >= 500 ? 'server_error' : 'invalid_request_error',
  param: string | null = null,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type, param, code: null } }));
}
