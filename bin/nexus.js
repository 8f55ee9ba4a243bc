#!/usr/bin/env node
// Entry point of the `nexus` command: runs the compiled CLI.
import { main } from '../dist/cli/main.js';

// `nexus export ... | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await main(process.argv.slice(2), process.env);
