import type { ServerResponse } from 'node:http';
import { cutResponse } from './http-boundary';

/**
 * The one writer of OpenAI's error shape, for every OpenAI-compatible server of ours (the gateway
 * and the built-in engine), so every OpenAI client shows our errors as it shows OpenAI's own. Each
 * server brings its own `code` vocabulary (the gateway's `GatewayErrorCode`; the engine sends
 * none, as llama-server does). Once a response has begun, no error can be written any more: the
 * response is cut (see `cutResponse`), so a client sees an error, never a truncated answer that
 * looks complete.
 */

export interface OpenAiErrorOptions {
  /** OpenAI's `type`; by default from the status (401 authentication, 5xx server, else invalid request). */
  type?: string;
  param?: string | null;
  /** Close the connection after the answer (a body left unread, a broken request). */
  close?: boolean;
  headers?: Record<string, string>;
}

function defaultType(status: number): string {
  return status === 401 ? 'authentication_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
}

export function openAiErrorBody(
  message: string,
  code: string | null,
  status: number,
  options: Pick<OpenAiErrorOptions, 'type' | 'param'> = {},
): string {
  return JSON.stringify({ error: { message, type: options.type ?? defaultType(status), param: options.param ?? null, code } });
}

export function sendOpenAiError(
  res: ServerResponse,
  status: number,
  code: string | null,
  message: string,
  options: OpenAiErrorOptions = {},
): void {
  if (res.headersSent) {
    // Too late for a status: cut the response so the client does not take it as complete.
    cutResponse(res);
    return;
  }
  const body = openAiErrorBody(message, code, status, options);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(options.close ? { connection: 'close' } : {}),
    ...options.headers,
  });
  res.end(body);
}

/** A complete HTTP response for a socket the HTTP parser gave up on (no ServerResponse exists). */
export function rawOpenAiError(status: number, reason: string, code: string | null, message: string): string {
  const body = openAiErrorBody(message, code, status);
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
