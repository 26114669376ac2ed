// Preloaded with `node --import` (NODE_OPTIONS) by tests: appends the URL of every module resolved
// to the file named by TRACE_LOADS_FILE, so a test can tell which modules a command really loaded.
// The hooks run on their own thread, so they write synchronously to a file rather than to stderr.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(
      'import { appendFileSync } from "node:fs";' +
        'export async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(process.env.TRACE_LOADS_FILE, r.url + "\\n"); return r; }',
    ),
  import.meta.url,
);
