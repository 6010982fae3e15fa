import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The rules a compose stack must keep to come up and stay up, read from docker-compose.yml itself (no Docker engine
 * is needed): what each service mounts, waits for, publishes and checks.
 */
const root = new URL('../', import.meta.url);

interface Healthcheck {
  test: string[];
  start_period?: string;
}
interface Service {
  image?: string;
  build?: string;
  command?: string[];
  user?: string;
  restart?: string;
  profiles?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: Healthcheck;
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

// Merge keys (`<<: *stylus-service`) as compose reads them.
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as ComposeFile;
const { services } = compose;
const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
};
/** A volume entry's parts; the target keeps its `${VAR:-default}`, which holds a colon of its own. */
const mounts = (name: string) =>
  (service(name).volumes ?? []).map((entry) => {
    const at = entry.indexOf(':');
    const rest = entry.slice(at + 1);
    const mode = /:(ro|rw)$/.exec(rest)?.[1];
    return { source: entry.slice(0, at), target: mode ? rest.slice(0, -mode.length - 1) : rest, mode };
  });
/** A path as compose resolves it when the variables are not set. */
const withDefaults = (value: string) => value.replace(/\$\{\w+:-([^}]*)\}/g, '$1');
/** Services that run without a profile: what `docker compose up` starts. */
const defaultServices = Object.entries(services)
  .filter(([, entry]) => !entry.profiles)
  .map(([name]) => name);

describe('docker-compose.yml', () => {
  it('starts bot, worker, Redis and Qdrant by default; ComfyUI and the host ports only with their profiles', () => {
    expect(defaultServices.sort()).toEqual(['bot', 'loras-init', 'qdrant', 'redis', 'worker']);
    expect(service('comfyui').profiles).toEqual(['comfyui']);
    expect(service('bot').command).toEqual(['node', 'bin/stylus.mjs', 'bot']);
    expect(service('worker').command).toEqual(['node', 'bin/stylus.mjs', 'worker']);
  });

  it('publishes Redis and Qdrant on the host only when asked (the publish profile), on loopback by default', () => {
    for (const name of defaultServices) expect(service(name).ports, name).toBeUndefined();
    const published = Object.entries(services).filter(([, entry]) => entry.ports);
    for (const [name, entry] of published) {
      expect(entry.profiles, name).toEqual(['publish']);
      for (const port of entry.ports ?? []) expect(port).toMatch(/^\$\{\w+_PUBLISH:-127\.0\.0\.1:\d+\}:\d+$/);
    }
    expect(published.map(([name]) => name).sort()).toEqual(['qdrant-publish', 'redis-publish']);
  });

  it('the worker reports why it takes no jobs through its healthcheck, and never needs a backend to stay up', () => {
    const worker = service('worker');
    expect(worker.healthcheck?.test).toEqual(['CMD', 'node', 'bin/stylus.mjs', 'worker', '--health']);
    expect(worker.restart).toBe('unless-stopped');
    // Nothing in the default stack renders: the worker must not depend on a backend service to start.
    expect(Object.keys(worker.depends_on ?? {}).sort()).toEqual(['loras-init', 'qdrant', 'redis']);
    // The backend comes from .env: empty by default (the worker then waits, saying so).
    expect(withDefaults(worker.environment?.COMFYUI_URL ?? 'unset')).toBe('');
    expect(withDefaults(worker.environment?.A1111_URL ?? 'unset')).toBe('');
  });

  it('ComfyUI keeps its install, custom nodes and models in volumes, shares the LoRA folder, and has a healthcheck', () => {
    const comfyui = service('comfyui');
    const byTarget = Object.fromEntries(mounts('comfyui').map((mount) => [withDefaults(mount.target), mount.source]));
    // The default image installs ComfyUI, ComfyUI-Manager and the custom nodes under /root on first start.
    expect(byTarget).toEqual({
      '/root': 'comfyui-home',
      '/root/ComfyUI/models': 'comfyui-models',
      '/root/ComfyUI/models/loras': 'loras',
    });
    expect(comfyui.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:8188/system_stats');
    expect(comfyui.healthcheck?.start_period).toMatch(/^\d+s$/);
  });

  it('the LoRA folder belongs to the worker whoever creates the volume first', () => {
    const init = service('loras-init');
    expect(init.user).toBe('root');
    expect(init.restart).toBe('no');
    expect(init.image).toBe(service('worker').image);
    expect(init.command).toEqual(['chown', 'node:node', '/loras']);
    expect(service('loras-init').volumes).toEqual(['loras:/loras']);
    const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
    expect(dockerfile).toMatch(/^USER node$/m);
    for (const name of ['worker', 'comfyui']) {
      expect(service(name).depends_on?.['loras-init']).toEqual({ condition: 'service_completed_successfully' });
    }
  });

  it('mounts into bot and worker only the folders their settings point at (DATA_DIR, LORA_DIR)', () => {
    for (const name of ['bot', 'worker']) {
      const environment = service(name).environment ?? {};
      const used = new Set([environment.DATA_DIR, environment.LORA_DIR]);
      for (const mount of mounts(name)) expect(used.has(mount.target), `${name} mounts ${mount.target}`).toBe(true);
      expect(mounts(name).every((mount) => mount.mode === undefined)).toBe(true);
    }
    expect(mounts('worker').map((mount) => mount.target)).toEqual(['/data', '/loras']);
  });

  it('declares exactly the named volumes the services use', () => {
    const used = new Set(
      Object.keys(services).flatMap((name) =>
        mounts(name)
          .map((mount) => mount.source)
          .filter((source) => /^[\w-]+$/.test(source)),
      ),
    );
    expect(Object.keys(compose.volumes).sort()).toEqual([...used].sort());
  });

  it('runs Redis with the append-only file and noeviction, and checks Qdrant with /readyz', () => {
    const redis = service('redis');
    expect(redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
    expect(redis.volumes).toEqual(['redis-data:/data']);
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    const qdrant = service('qdrant');
    expect(qdrant.image).toMatch(/^qdrant\/qdrant:v1\.(1[6-9]|[2-9]\d)\./);
    expect(qdrant.volumes).toEqual(['qdrant-data:/qdrant/storage']);
    expect(qdrant.healthcheck?.test.join(' ')).toContain('/readyz');
    for (const name of ['bot', 'worker']) {
      expect(service(name).depends_on?.redis).toEqual({ condition: 'service_healthy' });
      expect(service(name).depends_on?.qdrant).toEqual({ condition: 'service_healthy' });
    }
  });

  it('passes every setting of src/config.ts into the containers', () => {
    const configKeys = [
      ...readFileSync(new URL('src/config.ts', root), 'utf8').matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm),
    ].map((match) => match[1] as string);
    expect(configKeys.length).toBeGreaterThan(20);
    expect(Object.keys(service('bot').environment ?? {})).toEqual(expect.arrayContaining(configKeys));
  });

  const hasDockerCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
  it.runIf(hasDockerCompose)('validates with docker-compose config, with every profile', () => {
    const output = execFileSync(
      'docker-compose',
      ['-f', 'docker-compose.yml', '--profile', 'comfyui', '--profile', 'publish', 'config', '--services'],
      { cwd: root, encoding: 'utf8' },
    );
    expect(output.trim().split('\n').sort()).toEqual([
      'bot',
      'comfyui',
      'loras-init',
      'qdrant',
      'qdrant-publish',
      'redis',
      'redis-publish',
      'worker',
    ]);
  });
});
