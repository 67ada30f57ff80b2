// A minimal, fast OpenAI-compatible upstream for the gateway benchmark: fixed answers, no work,
// so what is measured is the path in front of it. `"stream":true` in the body gets SSE.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const base = { id: 'chatcmpl-bench', created: 0, model: 'bench-model', system_fingerprint: 'bench' };
const WORDS = ['Hello ', 'there, ', 'this ', 'is ', 'a ', 'benchmark ', 'reply', '.'];
const JSON_BODY = Buffer.from(
  JSON.stringify({
    ...base,
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: WORDS.join('') }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: WORDS.length, total_tokens: 5 + WORDS.length },
  }),
);
const sse = (data) => Buffer.from(`data: ${JSON.stringify(data)}\n\n`);
const CHUNKS = [
  sse({
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
  }),
  ...WORDS.map((w) =>
    sse({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: w }, finish_reason: null }] }),
  ),
  sse({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
];
const DONE = Buffer.from('data: [DONE]\n\n');
const MODELS = Buffer.from(
  JSON.stringify({ object: 'list', data: [{ id: 'bench-model', object: 'model', created: 0, owned_by: 'bench' }] }),
);

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': MODELS.length });
    return res.end(MODELS);
  }
  let body = '';
  req.setEncoding('latin1');
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    if (body.includes('"stream":true')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const chunk of CHUNKS) res.write(chunk);
      return res.end(DONE);
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': JSON_BODY.length });
    res.end(JSON_BODY);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => console.log(`ready ${server.address().port}`));
