// Builds dist/ after `npm ci` so `npx stylus` works on a fresh clone.
// Skipped when TypeScript is absent (`npm ci --omit=dev` in the Docker runtime stage copies a built dist/).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url);
if (!existsSync(tsc)) {
  console.log('prepare: typescript not installed, skipping build');
  process.exit(0);
}
execFileSync(process.execPath, [tsc.pathname, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
