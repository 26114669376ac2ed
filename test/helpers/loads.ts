/**
 * Which sources a run of the built CLI loaded, from the module URLs test/helpers/trace-loads.mjs
 * wrote: files of the package relative to it, and for a bundle in dist/ the sources it holds (the
 * bundler marks each with a `// src/…` or `// node_modules/…` line).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT } from './cli.js';

/** NODE_OPTIONS value that preloads the tracer; TRACE_LOADS_FILE names the file it writes. */
export const TRACE_LOADS = `--import=${pathToFileURL(path.join(ROOT, 'test/helpers/trace-loads.mjs')).href}`;

export async function loadedSources(traceFile: string): Promise<string[]> {
  const urls = (await fs.readFile(traceFile, 'utf8').catch(() => '')).split('\n').filter((u) => u.startsWith('file:'));
  const sources = new Set<string>();
  for (const file of new Set(urls.map((u) => path.relative(ROOT, fileURLToPath(u)).split(path.sep).join('/')))) {
    if (file.startsWith('..')) continue;
    sources.add(file);
    if (!file.startsWith('dist/') || !file.endsWith('.js')) continue;
    const text = await fs.readFile(path.join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/^\/\/ ((?:src|node_modules)\/\S+)$/gm)) sources.add(m[1]!);
  }
  return [...sources].sort();
}
