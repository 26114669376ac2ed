#!/usr/bin/env node
import { run } from '../dist/entry.js';

process.exitCode = await run(process.argv);
