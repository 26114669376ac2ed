#!/usr/bin/env node
// Writes schemas/citi-suite.schema.json (for editors) from the schema `citi test` validates with,
// src/commands/test/schema.ts, compiled on the fly. A test fails while the two differ.
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const out = await build({ absWorkingDir: root.pathname, entryPoints: ['src/commands/test/schema.ts'], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'warning' });
const { SUITE_SCHEMA } = await import('data:text/javascript;base64,' + Buffer.from(out.outputFiles[0].text).toString('base64'));
writeFileSync(new URL('schemas/citi-suite.schema.json', root), JSON.stringify(SUITE_SCHEMA, null, 2) + '\n');
