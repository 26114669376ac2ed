#!/usr/bin/env node
// Writes schemas/citi-suite.schema.json (for editors) from the schema `citi test` validates with.
// Run after `npm run build`; a test fails while the two differ.
import { writeFileSync } from 'node:fs';
import { SUITE_SCHEMA } from '../dist/commands/test/schema.js';

writeFileSync(new URL('../schemas/citi-suite.schema.json', import.meta.url), JSON.stringify(SUITE_SCHEMA, null, 2) + '\n');
