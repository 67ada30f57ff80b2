import net from 'node:net';

/** What came back for one raw request. */
export type RawAnswer =
  | { kind: 'response'; status: number; head: string; body: Buffer }
  /** The server closed the connection without sending a byte (garbage that is not HTTP). */
  | { kind: 'closed' }
  /** The connection was reset with nothing sent back. */
  | { kind: 'reset' }
  /** Nothing at all within the wait: the failure a fuzz run looks for, with the error that caused it. */
  | { kind: 'silent'; error?: string };

export interface RawRequest {
  /** The bytes to send, in pieces; a piece after the first waits `pauseMs` (slow clients). */
  pieces: Buffer[];
  pauseMs?: number;
  /** HEAD answers carry no body whatever their Content-Length says. */
  head?: boolean;
  /** Half-close our side after sending (a client that is done talking). */
  endAfter?: boolean;
}

/**
 * Sends raw bytes over a fresh TCP connection and reads the first complete answer: a status line
 * and headers, then the body by Content-Length or chunked framing, or until the server closes.
 * Interim 1xx answers are skipped. Never rejects.
 */
export function rawRequest(port: number, request: RawRequest, waitMs = 15_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    let done = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (answer: RawAnswer) => {
      if (done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    timers.push(setTimeout(() => finish(parse(received, request.head, true) ?? { kind: 'silent', error: 'no answer in time' }), waitMs));
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      const answer = parse(received, request.head, false);
      if (answer) finish(answer);
    });
    const onEnd = (error?: NodeJS.ErrnoException) => {
      const answer = parse(received, request.head, true);
      if (answer) return finish(answer);
      if (received.length > 0)
        return finish({ kind: 'silent', error: `unparseable answer: ${JSON.stringify(received.subarray(0, 200).toString('latin1'))}` });
      finish(error?.code === 'ECONNRESET' || error?.code === 'EPIPE' ? { kind: 'reset' } : { kind: 'closed' });
    };
    socket.on('end', () => onEnd());
    socket.on('close', () => onEnd());
    socket.on('error', (error: NodeJS.ErrnoException) => onEnd(error));
    socket.on('connect', () => {
      const [first, ...rest] = request.pieces;
      if (first) socket.write(first);
      rest.forEach((piece, index) => {
        timers.push(
          setTimeout(
            () => {
              if (!done && socket.writable) socket.write(piece);
              if (index === rest.length - 1 && request.endAfter && socket.writable) socket.end();
            },
            (request.pauseMs ?? 0) * (index + 1),
          ),
        );
      });
      if (rest.length === 0 && request.endAfter) socket.end();
    });
  });
}

/** The first final answer in `data`, or undefined while it is incomplete (`closed`: no more will come). */
function parse(data: Buffer, head: boolean | undefined, closed: boolean): RawAnswer | undefined {
  let offset = 0;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', offset);
    if (end < 0) return undefined;
    const headText = data.subarray(offset, end).toString('latin1');
    const match = /^HTTP\/1\.[01] (\d{3})(?: [^\r\n]*)?\r\n/.exec(`${headText}\r\n`);
    if (!match) return undefined;
    const status = Number(match[1]);
    const bodyStart = end + 4;
    // 101 Switching Protocols ends HTTP on this connection: it is the answer.
    if (status >= 100 && status < 200 && status !== 101) {
      offset = bodyStart;
      continue;
    }
    const lengthHeader = /\r\ncontent-length:\s*(\d+)/i.exec(headText);
    const chunked = /\r\ntransfer-encoding:\s*chunked/i.test(headText);
    const rest = data.subarray(bodyStart);
    if (head || status === 204 || status === 304) return { kind: 'response', status, head: headText, body: Buffer.alloc(0) };
    if (lengthHeader) {
      const length = Number(lengthHeader[1]);
      if (rest.length >= length) return { kind: 'response', status, head: headText, body: rest.subarray(0, length) };
      return closed ? { kind: 'response', status, head: headText, body: rest } : undefined;
    }
    if (chunked) {
      if (rest.includes('0\r\n\r\n') || closed) return { kind: 'response', status, head: headText, body: rest };
      return undefined;
    }
    return closed ? { kind: 'response', status, head: headText, body: rest } : undefined;
  }
}

/** Opens `count` idle connections (a server's connection cap counts them) and returns them. */
export function holdConnections(port: number, count: number): Promise<net.Socket[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
          socket.on('error', reject);
        }),
    ),
  );
}
