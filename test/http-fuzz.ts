import { rawRequest, type RawAnswer, type RawRequest } from './raw-http';
import { seededRandom } from '../scripts/lib/seeded-random';

// A small, seeded generator of malformed HTTP/1.1 requests, and a runner that sends them over raw
// sockets and sorts the answers. Deterministic: the same seed gives the same bytes, so a failure
// names a case that can be replayed.

export interface FuzzTarget {
  name: string;
  port: number;
  /** The shape its error answers take: OpenAI JSON, or plain text (the headless host). */
  shape: 'openai' | 'text';
  /** Paths it serves, which the generator bends. */
  paths: string[];
  /** The header value of a valid credential (`Bearer …`), if it has one: same-length hostile variants are sent. */
  credential?: string;
  /** A cookie name it reads (the headless host's token cookie). */
  cookieName?: string;
  /** Its body cap: bodies just past it are sent. */
  maxBodyBytes: number;
}

export interface FuzzCase {
  label: string;
  request: RawRequest;
  /** `http`: a status line must come back; `any`: garbage, where a clean close is a fine answer too. */
  expect: 'http' | 'any';
}

const ODD_PATHS = [
  '//',
  '/\\',
  '/%',
  '/%zz',
  '/%E0%A4%A',
  '/%00',
  '//evil.example/',
  '/\\evil.example',
  '/..%2f..%2fetc%2fpasswd',
  '/../../etc/passwd',
  '/?token=%',
  '/?token=%zz&token=',
  '/v1/models/%E0',
  '/v1/models/%',
  '/ws/../',
  '/;',
  '/#frag',
  '/?',
  '/??',
  '/%2F%2F',
  '/\t',
  '/a b',
];
const ABSOLUTE_TARGETS = ['http://evil.example/', 'http://127.0.0.1/', 'https://x/v1/models', '*', 'example.com:443', 'localhost', ''];
const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'FOO', 'get', 'G\u00e9T', 'CONNECT', 'PRI'];

const latin1 = (text: string) => Buffer.from(text, 'latin1');

export function generateCases(target: FuzzTarget, count: number, seed: number): FuzzCase[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (max: number) => Math.floor(random() * max);
  const highBytes = (length: number) => Array.from({ length }, () => String.fromCharCode(0x80 + int(0x80))).join('');
  const anyBytes = (length: number) => Buffer.from(Array.from({ length }, () => int(256)));
  const host = `127.0.0.1:${target.port}`;
  const path = () => pick(target.paths);

  const request = (method: string, target: string, headers: string[], body: Buffer | string = ''): Buffer =>
    Buffer.concat([
      latin1(`${method} ${target} HTTP/1.1\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`),
      typeof body === 'string' ? latin1(body) : body,
    ]);
  const simple = (method: string, target: string, extra: string[] = [], body = '') =>
    request(
      method,
      target,
      [`Host: ${host}`, 'Connection: close', ...extra, ...(body ? [`Content-Length: ${Buffer.byteLength(body, 'latin1')}`] : [])],
      body,
    );

  const json = [
    '{',
    '{"model":',
    '{"model": "m", "messages": [,]}',
    '[]',
    '"text"',
    '12',
    'null',
    '{"model":"m","messages":"hi"}',
    '{"model":{"$gt":""}}',
    '{"__proto__":{"x":1},"model":"m"}',
    '{"constructor":{"prototype":{}}}',
    `{"model":"${highBytes(8)}"}`,
    '\u0000',
    '['.repeat(5000) + ']'.repeat(5000),
    '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
    '{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":-1}',
    '{"model":"m","prompt":["a","b"]}',
    '{"input":[]}',
    // The engine's token ids (an id past the vocabulary aborts llama.cpp), tools and content parts.
    '{"tokens":[99999999]}',
    '{"tokens":[-1, 1.5, "a"]}',
    '{"content":5,"with_pieces":true}',
    '{"messages":[{"role":"user","content":"hi"}],"logit_bias":{"99999999":1},"max_tokens":1}',
    '{"messages":[{"role":"tool","tool_call_id":"x","content":"y"}]}',
    '{"messages":[{"role":"user","content":"hi"}],"max_tokens":1,"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"$ref":"#/nowhere"}}}}}],"tool_choice":"required"}',
    '{"messages":[{"role":"user","content":[{"type":"image_url"}]}]}',
  ];

  const generators: Array<() => FuzzCase> = [
    () => ({ label: 'odd path', request: { pieces: [simple(pick(['GET', 'POST']), pick(ODD_PATHS))] }, expect: 'http' }),
    () => ({ label: 'absolute or odd target', request: { pieces: [simple('GET', pick(ABSOLUTE_TARGETS))] }, expect: 'any' }),
    () => ({
      label: 'long path',
      request: { pieces: [simple('GET', `/${'a'.repeat(pick([2000, 8000, 15000, 70000]))}`)] },
      expect: 'http',
    }),
    () => ({ label: 'high bytes in path', request: { pieces: [simple('GET', `/${highBytes(1 + int(20))}`)] }, expect: 'http' }),
    () => ({ label: 'odd method', request: { pieces: [simple(pick(METHODS), path())] }, expect: 'any' }),
    () => {
      const name = target.cookieName ?? 'llm_token_1';
      const value = pick(['%', '%zz', '%E0%A4%A', highBytes(12), '', '=', '"', `${'%'.repeat(300)}`, 'a'.repeat(9000)]);
      return {
        label: 'bad cookie',
        request: {
          pieces: [simple('GET', path(), [`Cookie: ${pick([`${name}=${value}`, `${name}`, `x=1; ${name}=${value}; y`, `${value}`])}`])],
        },
        expect: 'http',
      };
    },
    () => {
      // Same length as the real credential, one byte (or more) above 0x7F: the case that used to throw.
      const real = target.credential ?? `Bearer ${'k'.repeat(32)}`;
      const at = int(real.length);
      const mutated = real.slice(0, at) + highBytes(1) + real.slice(at + 1);
      const value = pick([
        mutated,
        highBytes(real.length),
        `Bearer ${highBytes(real.length - 7)}`,
        'Bearer',
        'Bearer ',
        `Basic ${highBytes(5)}`,
        real.slice(0, -1),
        `${real}x`,
      ]);
      return {
        label: 'hostile authorization',
        request: { pieces: [simple(pick(['GET', 'POST']), path(), [`Authorization: ${value}`], pick(['', '{}']))] },
        expect: 'http',
      };
    },
    () => {
      const header = pick([
        `X-Bad: ${highBytes(20)}`,
        `${highBytes(4)}: v`,
        'Bad Header: v',
        'X: a\r\n b',
        'NoColon',
        ': empty-name',
        `X-Long: ${'x'.repeat(20000)}`,
        'Content-Length: -1',
        'Content-Length: abc',
        'Content-Length: 1\r\nContent-Length: 2',
        'Transfer-Encoding: chunked\r\nContent-Length: 3',
        'Transfer-Encoding: gzip',
        'Expect: 100-continue',
        'Expect: nonsense',
        `Host: ${highBytes(6)}`,
        'Host: evil.example',
        'Host:',
        'Host: [::1',
        'Host: 127.0.0.1:99999',
        `Origin: ${highBytes(5)}`,
        'Range: bytes=5-2',
        'Range: bytes=-',
        'Range: bytes=999999999999999999999-',
        'Range: bytes=0-1,2-3',
        'Upgrade: websocket\r\nConnection: Upgrade',
        'X-Nul: a\u0000b',
        `Accept-Encoding: ${'gzip, '.repeat(500)}`,
      ]);
      // Half with the real credential, so the bytes also reach what sits behind authentication.
      const credential = target.credential && random() < 0.5 ? [`Authorization: ${target.credential}`] : [];
      return {
        label: 'bad header',
        request: { pieces: [simple(pick(['GET', 'POST', 'HEAD']), path(), [header, ...credential])] },
        expect: 'any',
      };
    },
    () => ({
      label: 'many headers',
      request: {
        pieces: [
          request('GET', path(), [
            `Host: ${host}`,
            'Connection: close',
            ...Array.from({ length: 500 + int(3000) }, (_, i) => `X-H${i}: v`),
          ]),
        ],
      },
      expect: 'http',
    }),
    () => ({ label: 'missing host', request: { pieces: [request('GET', path(), ['Connection: close'])] }, expect: 'http' }),
    () => {
      const body = pick([
        '5\r\nhello\r\n0\r\n\r\n',
        'zz\r\nhello\r\n0\r\n\r\n',
        '5\r\nhelloXX0\r\n\r\n',
        'ffffffffffffffffffff\r\nx\r\n',
        '-1\r\nx\r\n0\r\n\r\n',
        '5;ext=' + 'e'.repeat(20000) + '\r\nhello\r\n0\r\n\r\n',
        '3\r\n{"a\r\n0\r\nTrailer: x\r\n\r\n',
        '2\r\n{}\r\n0\r\n',
        `${(1 << 20).toString(16)}\r\nshort\r\n0\r\n\r\n`,
        '0\r\n\r\n',
        '\r\n\r\n\r\n',
      ]);
      return {
        label: 'broken chunked body',
        request: {
          pieces: [
            request(
              'POST',
              path(),
              [`Host: ${host}`, 'Connection: close', 'Content-Type: application/json', 'Transfer-Encoding: chunked'],
              body,
            ),
          ],
          endAfter: true,
        },
        expect: 'any',
      };
    },
    () => {
      const body = pick(json);
      return {
        label: 'invalid JSON body',
        request: { pieces: [simple('POST', path(), ['Content-Type: application/json'], body)] },
        expect: 'http',
      };
    },
    () => ({
      label: 'oversized body (declared)',
      request: {
        pieces: [
          request(
            'POST',
            path(),
            [
              `Host: ${host}`,
              'Connection: close',
              'Content-Type: application/json',
              `Content-Length: ${target.maxBodyBytes + 1 + int(1e9)}`,
            ],
            '{"model":"m",',
          ),
        ],
      },
      expect: 'any',
    }),
    () => ({ label: 'garbage', request: { pieces: [anyBytes(1 + int(300))], endAfter: random() < 0.5 }, expect: 'any' }),
    () => ({
      label: 'not HTTP/1.1',
      request: {
        pieces: [
          latin1(
            pick([
              'GET / HTTP/9.9\r\n\r\n',
              'GET /\r\n\r\n',
              'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
              '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003',
              'SSH-2.0-OpenSSH_9.6\r\n',
              '\r\n\r\n',
              'GET / HTTP/1.1\n\n',
              `GET / HTTP/1.1\r\nHost: ${host}\r\n`,
            ]),
          ),
        ],
        endAfter: true,
      },
      expect: 'any',
    }),
    () => ({
      label: 'websocket upgrade with odd path',
      request: {
        pieces: [
          request('GET', pick(['//', '/\\', '/%', '/ws?token=%', '/ws', '/ws/']), [
            `Host: ${host}`,
            'Upgrade: websocket',
            'Connection: Upgrade',
            'Sec-WebSocket-Version: 13',
            `Sec-WebSocket-Key: ${pick(['dGhlIHNhbXBsZSBub25jZQ==', highBytes(10), ''])}`,
            `Cookie: ${target.cookieName ?? 'c'}=%`,
          ]),
        ],
      },
      expect: 'any',
    }),
  ];
  return Array.from({ length: count }, () => pick(generators)());
}

/** Cases the runner sends outside the seeded stream: a body just past the cap, sent for real, and slow headers. */
export function fixedCases(target: FuzzTarget): FuzzCase[] {
  const host = `127.0.0.1:${target.port}`;
  const oversized = Buffer.alloc(target.maxBodyBytes + 64 * 1024, 0x61);
  // No `Connection: close`: a server that answers early keeps reading the rest, as a client expects.
  const post = (headers: string[], body: Buffer) =>
    Buffer.concat([
      latin1(
        `POST ${target.paths.find((p) => p !== '/') ?? '/'} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n${[...headers, ...(target.credential ? [`Authorization: ${target.credential}`] : [])].map((h) => `${h}\r\n`).join('')}\r\n`,
      ),
      body,
    ]);
  const chunked = Buffer.concat([latin1(`${oversized.length.toString(16)}\r\n`), oversized, latin1('\r\n0\r\n\r\n')]);
  const slow = (label: string, pieces: string[]): FuzzCase => ({
    label,
    request: { pieces: pieces.map(latin1), pauseMs: 1500 },
    expect: 'http',
  });
  return [
    {
      label: 'oversized body (sent, content-length)',
      request: { pieces: [post([`Content-Length: ${oversized.length}`], oversized)] },
      expect: 'http',
    },
    { label: 'oversized body (sent, chunked)', request: { pieces: [post(['Transfer-Encoding: chunked'], chunked)] }, expect: 'http' },
    // Slowloris: headers that trickle in and never end; the server must answer 408 and free the socket.
    slow('slow headers', [
      'GET / HTTP/1.1\r\n',
      `Host: ${host}\r\n`,
      'X-A: 1\r\n',
      'X-B: 2\r\n',
      'X-C: 3\r\n',
      'X-D: 4\r\n',
      'X-E: 5\r\n',
      'X-F: 6\r\n',
      'X-G: 7\r\n',
      'X-H: 8\r\n',
    ]),
    slow('slow headers, one byte at a time', Array.from(`GET / HTTP/1.1\r\nHost: ${host}\r\nX-Padding: ${'p'.repeat(20)}`)),
    slow('headers that never end', ['GET / HTTP/1.1\r\n', `Host: ${host}\r\n`]),
  ];
}

export interface FuzzReport {
  sent: number;
  statuses: Record<string, number>;
  closed: number;
  reset: number;
  /** Cases that broke the rules, with why: these make the test fail. */
  failures: string[];
}

/** Sends every case (a few sockets at a time) and checks each answer against the target's rules. */
export async function runFuzz(target: FuzzTarget, cases: FuzzCase[], concurrency = 4, waitMs = 20_000): Promise<FuzzReport> {
  const report: FuzzReport = { sent: 0, statuses: {}, closed: 0, reset: 0, failures: [] };
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const fuzzCase = cases[index]!;
      // A HEAD answer has no body whatever its Content-Length says.
      const head = Buffer.concat(fuzzCase.request.pieces).subarray(0, 5).toString('latin1') === 'HEAD ';
      const answer = await rawRequest(target.port, { ...fuzzCase.request, head }, waitMs);
      report.sent++;
      const problem = judge(target, fuzzCase, answer);
      if (answer.kind === 'response') report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
      else if (answer.kind === 'closed') report.closed++;
      else if (answer.kind === 'reset') report.reset++;
      if (problem)
        report.failures.push(
          `#${index} ${fuzzCase.label}: ${problem} (sent ${JSON.stringify(Buffer.concat(fuzzCase.request.pieces).subarray(0, 160).toString('latin1'))})`,
        );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return report;
}

function judge(target: FuzzTarget, fuzzCase: FuzzCase, answer: RawAnswer): string | undefined {
  if (answer.kind === 'silent') return `no answer (${answer.error ?? 'nothing'})`;
  if (answer.kind !== 'response') return fuzzCase.expect === 'http' ? `${answer.kind} without a status line` : undefined;
  // 503 is a typed answer (no provider serves the model yet); any other 5xx is our bug caught late.
  if (answer.status >= 500 && answer.status !== 503) return `status ${answer.status}: ${answer.body.subarray(0, 200).toString()}`;
  if (
    answer.status >= 400 &&
    target.shape === 'openai' &&
    !/^HEAD /.test(Buffer.concat(fuzzCase.request.pieces).subarray(0, 5).toString('latin1'))
  ) {
    try {
      const body = JSON.parse(answer.body.toString('utf8')) as { error?: { message?: unknown } };
      if (typeof body.error?.message !== 'string') return `status ${answer.status} without an OpenAI error body`;
    } catch {
      return `status ${answer.status} with a body that is not JSON: ${JSON.stringify(answer.body.subarray(0, 120).toString('latin1'))}`;
    }
  }
  return undefined;
}

export function summary(target: FuzzTarget, report: FuzzReport): string {
  const statuses = Object.entries(report.statuses)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
  return `fuzz ${target.name}: ${report.sent} malformed requests sent, answers ${statuses}, clean closes ${report.closed}, resets ${report.reset}, rule breaks ${report.failures.length}`;
}
