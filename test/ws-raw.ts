import net from 'node:net';

export interface RawUpgrade {
  /** The status of the answer (101 for a handshake), undefined if the host closed without one. */
  status?: number;
  head: string;
  /** Still open after a 101: a WebSocket peer that answers nothing (no pongs, no close). */
  socket: net.Socket;
}

/**
 * A WebSocket upgrade written by hand, for what the `ws` client will not send (odd paths, broken
 * headers) and for a peer that goes silent after the handshake. Resolves at the end of the
 * answer's head, or when the host closes, or after `waitMs` (status undefined). Never rejects.
 */
export function rawUpgrade(port: number, path: string, headers: Record<string, string> = {}, waitMs = 10_000): Promise<RawUpgrade> {
  const lines = [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.off('data', onData);
      const end = received.indexOf('\r\n\r\n');
      const head = (end < 0 ? received : received.subarray(0, end)).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      resolve({ status: status === undefined ? undefined : Number(status), head, socket });
    };
    const timer = setTimeout(finish, waitMs);
    const onData = (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (received.includes('\r\n\r\n')) finish();
    };
    socket.on('data', onData);
    socket.on('close', finish);
    socket.on('error', () => {}); // a reset is an answer too: 'close' follows
    socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  });
}

/** Resolves true once the socket is closed by the other end, false if it is still open after `ms`. */
export function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  if (socket.destroyed || socket.readyState === 'closed') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.resume(); // read (and discard) pings and frames, as a peer that is there but mute
  });
}
