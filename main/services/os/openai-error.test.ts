import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openAiErrorBody, rawOpenAiError, sendOpenAiError } from './openai-error';

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handle: (res: ServerResponse) => void): Promise<number> {
  const server = createServer((_req, res) => handle(res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('the OpenAI error writer', () => {
  it('writes OpenAI’s shape, with the type from the status unless given, and the server’s own code', () => {
    expect(JSON.parse(openAiErrorBody('no key', 'invalid_api_key', 401))).toEqual({
      error: { message: 'no key', type: 'authentication_error', param: null, code: 'invalid_api_key' },
    });
    expect(JSON.parse(openAiErrorBody('down', null, 503, { type: 'unavailable_error' }))).toEqual({
      error: { message: 'down', type: 'unavailable_error', param: null, code: null },
    });
    expect(JSON.parse(openAiErrorBody('bad', null, 400, { param: 'messages.0' }))).toEqual({
      error: { message: 'bad', type: 'invalid_request_error', param: 'messages.0', code: null },
    });
    expect(JSON.parse(openAiErrorBody('boom', 'server_error', 500)).error.type).toBe('server_error');
    expect(rawOpenAiError(408, 'Request Timeout', 'request_timeout', 'slow')).toMatch(
      /^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*connection: close\r\n\r\n\{"error"/,
    );
  });

  it('answers with the status and body before anything was sent', async () => {
    const port = await serve((res) =>
      sendOpenAiError(res, 404, 'model_not_found', 'no such model', { param: 'model', headers: { 'x-extra': '1' } }),
    );
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-extra')).toBe('1');
    expect(await response.json()).toEqual({
      error: { message: 'no such model', type: 'invalid_request_error', param: 'model', code: 'model_not_found' },
    });
  });

  it('after the headers, cuts the response: a streaming client sees an error, not a complete answer', async () => {
    const port = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"partial":true}\n\n');
      setTimeout(() => sendOpenAiError(res, 502, 'upstream_unavailable', 'the upstream went away'), 20);
    });
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });
});
