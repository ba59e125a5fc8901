#!/usr/bin/env node
// The ktm executable (also installed as kubectl-ktm, the kubectl plugin).
import { main } from '../src/cli/main.js';
import { processIo } from '../src/cli/io.js';

process.exitCode = await main(process.argv.slice(2), processIo(), process.argv[1]);
