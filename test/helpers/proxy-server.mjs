// An HTTP proxy (the `proxy` package: CONNECT tunnels and absolute-form requests) on loopback, in
// a process of its own, for the proxy tests. Argument: USER:PASSWORD to require Basic credentials.
// The first stdout line is {"port":N}; then one line per request it receives, before it decides:
// "CONNECT host:port" for a tunnel, "GET http://…" for a plain HTTP request.
import { createServer } from 'node:http';
import { createProxy } from 'proxy';

const [credentials] = process.argv.slice(2);
const server = createProxy(createServer());
if (credentials) {
  const expected = 'Basic ' + Buffer.from(credentials, 'utf8').toString('base64');
  server.authenticate = (req) => req.headers['proxy-authorization'] === expected;
}
server.on('connect', (req) => console.log(`CONNECT ${req.url}`));
server.on('request', (req) => console.log(`${req.method} ${req.url}`));
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.on('SIGTERM', () => process.exit(0));
