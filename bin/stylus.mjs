#!/usr/bin/env node
// The `stylus` command. Runs the compiled CLI (built into dist/ by `npm ci` / `npm run build`).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(compiled)) {
  console.error('stylus: dist/ is missing. Run `npm ci` (or `npm run build`) first.');
  process.exit(1);
}
const { runAsProcess } = await import(compiled.href);
await runAsProcess();
