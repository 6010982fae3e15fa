import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The image, checked from the Dockerfile itself: its stages and its user (the compose file: compose-file.test.ts). */
const root = new URL('../', import.meta.url);
const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');

interface Stage {
  from: string;
  name: string;
  instructions: string[];
}

/** Dockerfile instructions (continuation lines joined, comments dropped), grouped by stage. */
function stages(text: string): Stage[] {
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const out: Stage[] = [];
  for (const instruction of instructions) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(instruction);
    if (from) out.push({ from: from[1] as string, name: from[2] ?? '', instructions: [] });
    else out.at(-1)?.instructions.push(instruction);
  }
  return out;
}

describe('Dockerfile', () => {
  const [build, runtime, ...extra] = stages(dockerfile);

  it('builds in one stage and runs from another, both on Node 20 bookworm-slim', () => {
    expect(extra).toEqual([]);
    expect(build?.name).toBe('build');
    expect(runtime?.name).toBe('runtime');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(build?.from).toMatch(/^\$\{NODE_IMAGE\}$/);
    expect(runtime?.from).toMatch(/^\$\{NODE_IMAGE\}$/);
  });

  it('installs with npm ci, compiles, and keeps only production dependencies', () => {
    const steps = build?.instructions.join('\n') ?? '';
    expect(steps).toMatch(/RUN npm ci\b/);
    expect(steps).toMatch(/npm run build/);
    expect(steps).toMatch(/npm prune --omit=dev/);
    expect(steps.indexOf('npm ci')).toBeLessThan(steps.indexOf('COPY src/'));
  });

  it('ships dist/, the seed catalog and working native modules, and runs as the non-root node user', () => {
    const steps = runtime?.instructions ?? [];
    expect(steps).toContain('COPY --from=build /app/dist ./dist');
    expect(steps).toContain('COPY --from=build /app/src/catalog/seed-catalog.json ./src/catalog/seed-catalog.json');
    expect(steps.some((step) => /^RUN node -e .*better-sqlite3.*sharp/.test(step))).toBe(true);
    const users = steps.filter((step) => /^USER\s/i.test(step));
    expect(users).toEqual(['USER node']);
    const userAt = steps.indexOf('USER node');
    expect(steps.slice(userAt).some((step) => /^RUN\s/i.test(step))).toBe(false);
    expect(steps.at(-1)).toBe('CMD ["node", "bin/stylus.mjs", "bot"]');
    expect(steps.some((step) => /npm (ci|install)(?!.*--omit=dev)/.test(step))).toBe(false);
  });
});
