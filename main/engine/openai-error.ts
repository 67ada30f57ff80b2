import type { ServerResponse } from 'node:http';

/** OpenAI's error shape, so every OpenAI client shows our errors properly. */
export function openAiErrorBody(status: number, message: string, type = status >= 500 ? 'server_error' : 'invalid_request_error', param: string | null = null): string {
  return JSON.stringify({ error: { message, type, param, code: null } });
}

export function sendOpenAiError(
  res: ServerResponse,
  status: number,
  message: string,
  type = status >= 500 ? 'server_error' : 'invalid_request_error',
  param: string | null = null,
  options: { close?: boolean } = {},
): void {
  if (res.headersSent) {
    // Too late for a status: cut the response so the client does not take it as complete.
    res.destroy();
    return;
  }
  const body = openAiErrorBody(status, message, type, param);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    ...(options.close ? { Connection: 'close' } : {}),
  });
  res.end(body);
}

/** A complete HTTP response for a socket the HTTP parser gave up on (no ServerResponse exists). */
export function rawOpenAiError(status: number, reason: string, message: string): string {
  const body = openAiErrorBody(status, message);
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}
