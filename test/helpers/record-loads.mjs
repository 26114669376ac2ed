// Preloaded with `node --import`: appends the URL of every module file the process loads to the
// file named by RECORD_LOADS_TO (module hooks run on their own thread, so it goes through a file).
import { register } from 'node:module';

if (process.env.RECORD_LOADS_TO) {
  register(
    'data:text/javascript,' +
      encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.RECORD_LOADS_TO, url + '\\n');
  return next(url, context);
}`),
  );
}
