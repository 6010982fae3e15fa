import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The container setup, checked from the files themselves: the Dockerfile's stages and user, and the compose file's
 * services, Redis settings and volumes. No YAML library is installed, so the compose file is read with a small
 * indentation-aware reader for the block-style subset it uses.
 */
const root = new URL('../', import.meta.url);
const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
const compose = readFileSync(new URL('docker-compose.yml', root), 'utf8').split('\n');

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

const indentOf = (line: string) => line.length - line.trimStart().length;
const meaningful = (lines: string[]) => lines.filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));

/** The keys of a block at its own (shallowest) indentation. */
function keys(lines: string[]): string[] {
  const content = meaningful(lines);
  const indent = Math.min(...content.map(indentOf));
  return content
    .filter((line) => indentOf(line) === indent)
    .map((line) => /^\s*([\w.-]+):/.exec(line)?.[1])
    .filter((key): key is string => key !== undefined);
}

/** The lines nested under `key` (at the block's own indentation), following a path of keys. */
function block(lines: string[], ...path: string[]): string[] {
  let current = lines;
  for (const key of path) {
    const content = meaningful(current);
    const indent = Math.min(...content.map(indentOf));
    const start = content.findIndex((line) => indentOf(line) === indent && line.trimStart().startsWith(`${key}:`));
    if (start < 0) return [];
    const nested: string[] = [];
    for (const line of content.slice(start + 1)) {
      if (indentOf(line) <= indent) break;
      nested.push(line);
    }
    current = nested;
  }
  return current;
}

/** The inline value of `key:` in a block (what follows the colon), or undefined. */
function inline(lines: string[], key: string): string | undefined {
  const content = meaningful(lines);
  const indent = Math.min(...content.map(indentOf));
  const line = content.find(
    (candidate) => indentOf(candidate) === indent && candidate.trimStart().startsWith(`${key}:`),
  );
  return line
    ?.trimStart()
    .slice(key.length + 1)
    .trim();
}

/** Items of a block sequence (`- item`). */
const items = (lines: string[]) =>
  meaningful(lines)
    .map((line) => /^\s*-\s+(.*)$/.exec(line)?.[1]?.replace(/^"(.*)"$/, '$1'))
    .filter((item): item is string => item !== undefined);

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

describe('docker-compose.yml', () => {
  const services = block(compose, 'services');

  it('names the bot, worker, redis, qdrant and comfyui services', () => {
    expect(keys(services)).toEqual(['bot', 'worker', 'redis', 'qdrant', 'comfyui']);
    expect(inline(block(services, 'bot'), 'command')).toBe('["node", "bin/stylus.mjs", "bot"]');
    expect(inline(block(services, 'worker'), 'command')).toBe('["node", "bin/stylus.mjs", "worker"]');
  });

  it('runs Redis with the append-only file, noeviction and a volume', () => {
    const redis = block(services, 'redis');
    const command = inline(redis, 'command') ?? '';
    expect(command).toContain('"--appendonly", "yes"');
    expect(command).toContain('"--maxmemory-policy", "noeviction"');
    expect(items(block(redis, 'volumes'))).toEqual(['redis-data:/data']);
    expect(block(redis, 'healthcheck')).not.toEqual([]);
  });

  it('keeps Qdrant on a volume, with a healthcheck that asks /readyz', () => {
    const qdrant = block(services, 'qdrant');
    expect(inline(qdrant, 'image')).toMatch(/^qdrant\/qdrant:v1\.(1[6-9]|[2-9]\d)\./);
    expect(items(block(qdrant, 'volumes'))).toEqual(['qdrant-data:/qdrant/storage']);
    expect(block(qdrant, 'healthcheck', 'test').join('\n')).toContain('/readyz');
    for (const service of ['bot', 'worker']) {
      expect(keys(block(services, service, 'depends_on'))).toEqual(['redis', 'qdrant']);
    }
  });

  it('puts ComfyUI behind a profile with an NVIDIA reservation, sharing models and loras with the worker', () => {
    const comfyui = block(services, 'comfyui');
    expect(inline(comfyui, 'profiles')).toBe('["comfyui"]');
    const device = block(comfyui, 'deploy', 'resources', 'reservations', 'devices').join('\n');
    expect(device).toContain('driver: nvidia');
    expect(device).toContain('capabilities: [gpu]');
    const volumeNames = (service: string) => items(block(services, service, 'volumes')).map((v) => v.split(':')[0]);
    expect(volumeNames('comfyui')).toEqual(['models', 'loras']);
    expect(volumeNames('worker')).toEqual(expect.arrayContaining(['models', 'loras']));
  });

  it('declares every named volume the services use', () => {
    const declared = keys(block(compose, 'volumes'));
    const used = new Set(
      keys(services).flatMap((service) =>
        items(block(services, service, 'volumes')).map((volume) => volume.split(':')[0] as string),
      ),
    );
    expect(declared.sort()).toEqual([...used].sort());
    expect(declared).toEqual(expect.arrayContaining(['redis-data', 'qdrant-data', 'bot-data', 'loras', 'models']));
  });

  it('passes every setting of src/config.ts into the containers', () => {
    const configKeys = [
      ...readFileSync(new URL('src/config.ts', root), 'utf8').matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm),
    ].map((match) => match[1]);
    expect(configKeys.length).toBeGreaterThan(20);
    expect(keys(block(compose, 'x-stylus-environment'))).toEqual(expect.arrayContaining(configKeys));
  });

  const hasDockerCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
  it.runIf(hasDockerCompose)('validates with docker-compose config', () => {
    const output = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '--services'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(output.trim().split('\n').sort()).toEqual(['bot', 'comfyui', 'qdrant', 'redis', 'worker']);
  });
});
