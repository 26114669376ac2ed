// Preloaded with `node --import` (NODE_OPTIONS) by tests: prints "loaded <url>" on stderr for every
// module resolved, so a test can tell which modules a command really loaded.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(
      'export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write("loaded " + r.url + "\\n"); return r; }',
    ),
  import.meta.url,
);
