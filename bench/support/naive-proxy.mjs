// The simple alternatives a user could put in front of a server: http-proxy with a keep-alive
// agent (the fair baseline: it reuses upstream connections), or with its defaults (`--no-keep-alive`:
// a new upstream connection per request).
import { Agent, createServer } from 'node:http';
import httpProxy from 'http-proxy';

const args = process.argv.slice(2);
const keepAlive = !args.includes('--no-keep-alive');
const [target, port = '0'] = args.filter((a) => !a.startsWith('--'));
const proxy = httpProxy.createProxyServer({
  target,
  ...(keepAlive ? { agent: new Agent({ keepAlive: true, maxSockets: 256 }) } : {}),
});
proxy.on('error', (error, _req, res) => {
  res.writeHead?.(502);
  res.end(String(error.message));
});
const server = createServer((req, res) => proxy.web(req, res));
server.keepAliveTimeout = 60_000;
server.listen(Number(port), '127.0.0.1', () => console.log(`ready ${server.address().port}`));
