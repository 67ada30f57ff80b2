// The naive baseline: http-proxy with its defaults (a new upstream connection per request).
import { createServer } from 'node:http';
import httpProxy from 'http-proxy';

const [target, port = '0'] = process.argv.slice(2);
const proxy = httpProxy.createProxyServer({ target });
proxy.on('error', (error, _req, res) => {
  res.writeHead?.(502);
  res.end(String(error.message));
});
const server = createServer((req, res) => proxy.web(req, res));
server.listen(Number(port), '127.0.0.1', () => console.log(`ready ${server.address().port}`));
