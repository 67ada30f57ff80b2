import type { ServerResponse } from 'node:http';

export type GatewayErrorCode =
  | 'invalid_json'
  | 'missing_model'
  | 'invalid_model'
  | 'model_not_found'
  | 'no_healthy_provider'
  | 'upstream_unavailable'
  | 'body_too_large'
  | 'invalid_api_key'
  | 'forbidden_host'
  | 'unknown_endpoint'
  | 'method_not_allowed'
  | 'request_timeout'
  | 'bad_request'
  | 'server_error';

/** OpenAI's error shape, so every OpenAI client shows the message as it shows OpenAI's own. */
export function openAiErrorBody(message: string, code: GatewayErrorCode, status: number, param: string | null = null): string {
  const type = status === 401 ? 'authentication_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return JSON.stringify({ error: { message, type, param, code } });
}

export function sendOpenAiError(
  res: ServerResponse,
  status: number,
  code: GatewayErrorCode,
  message: string,
  options: { param?: string | null; close?: boolean; headers?: Record<string, string> } = {},
): void {
  if (res.headersSent) {
    // Too late for a status: cut the response so the client does not take it as complete.
    res.destroy();
    return;
  }
  const body = openAiErrorBody(message, code, status, options.param ?? null);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(options.close ? { connection: 'close' } : {}),
    ...options.headers,
  });
  res.end(body);
}

/** A complete HTTP response for a socket the HTTP parser gave up on (no ServerResponse exists). */
export function rawOpenAiError(status: number, reason: string, code: GatewayErrorCode, message: string): string {
  const body = openAiErrorBody(message, code, status);
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
