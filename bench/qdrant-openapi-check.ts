/**
 * Dev check, not part of `npm run bench` or the tests: runs the Qdrant store through every kind of request it makes
 * (start-up on an older layout, writes, vector writes, searches, paging, stats, deletes, failures) against the
 * loopback Qdrant double of the tests, then validates every recorded request body AND every answer of the double
 * against Qdrant's real REST contract: the OpenAPI schema of the Qdrant version docker-compose runs (v1.18.1,
 * `docs/redoc/master/openapi.json` in the qdrant/qdrant repository at that tag). Skipped when no schema is given.
 * Usage: node --import tsx bench/qdrant-openapi-check.ts --schema <openapi.json>
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { QdrantClient } from '@qdrant/js-client-rest';
import { pointIdFor } from '../src/catalog/qdrant-filter.js';
import { QdrantAdapterStore } from '../src/catalog/qdrant-store.js';
import { makeAdapter } from '../test/support/adapters.js';
import { QdrantRecorder, type RecordedQdrantRequest } from '../test/support/qdrant-recorder.js';

const { values } = parseArgs({ options: { schema: { type: 'string' } } });
const schemaFile = values.schema;
if (!schemaFile || !existsSync(schemaFile)) {
  console.log(`skipped: no Qdrant OpenAPI schema${schemaFile ? ` at ${schemaFile}` : ' (--schema <openapi.json>)'}`);
  process.exit(0);
}

type Schema = Record<string, unknown>;
const openapi = JSON.parse(readFileSync(schemaFile, 'utf8')) as {
  paths: Record<string, Record<string, Schema>>;
  components: { schemas: Record<string, Schema> };
};

/** A small JSON-schema (OpenAPI 3.0 dialect) validator: enough for Qdrant's schema. Returns the violations. */
function validate(value: unknown, schema: Schema, at: string): string[] {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = openapi.components.schemas[name];
    return target ? validate(value, target, at) : [`${at}: unknown $ref ${schema.$ref}`];
  }
  if (value === null) {
    if (schema.nullable === true) return [];
    const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
    if (variants?.some((variant) => validate(null, variant, at).length === 0)) return [];
    if (Object.keys(schema).length === 0 || (schema.description && Object.keys(schema).length === 1)) return [];
    return [`${at}: null not allowed`];
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const variants = schema[key] as Schema[] | undefined;
    if (!variants) continue;
    const results = variants.map((variant) => validate(value, variant, at));
    if (!results.some((errors) => errors.length === 0)) {
      return [`${at}: matches no variant (${results.map((errors) => errors[0]).join(' | ')})`];
    }
  }
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) {
    const errors = validate(value, part, at);
    if (errors.length > 0) return errors;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return [`${at}: ${String(value)} not in enum`];
  const errors: string[] = [];
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: expected object`];
      const object = value as Record<string, unknown>;
      for (const key of (schema.required as string[] | undefined) ?? []) {
        if (!(key in object)) errors.push(`${at}: missing required ${key}`);
      }
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      for (const [key, item] of Object.entries(object)) {
        const property = properties[key];
        if (property) errors.push(...validate(item, property, `${at}.${key}`));
        else if (schema.additionalProperties === false) errors.push(`${at}: unexpected property ${key}`);
        else if (typeof schema.additionalProperties === 'object') {
          errors.push(...validate(item, schema.additionalProperties as Schema, `${at}.${key}`));
        }
      }
      return errors;
    }
    case 'array': {
      if (!Array.isArray(value)) return [`${at}: expected array`];
      if (typeof schema.minItems === 'number' && value.length < schema.minItems) errors.push(`${at}: too few items`);
      if (schema.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) {
        errors.push(`${at}: items not unique`);
      }
      value.forEach((item, index) => {
        if (schema.items) errors.push(...validate(item, schema.items as Schema, `${at}[${index}]`));
      });
      return errors;
    }
    case 'string':
      if (typeof value !== 'string') return [`${at}: expected string`];
      if (schema.format === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
        return [`${at}: not a uuid`];
      }
      return [];
    case 'integer':
      if (!Number.isInteger(value)) return [`${at}: expected integer`];
      if (typeof schema.minimum === 'number' && (value as number) < schema.minimum) return [`${at}: below minimum`];
      return [];
    case 'number':
      return typeof value === 'number' ? [] : [`${at}: expected number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: expected boolean`];
    default:
      return errors;
  }
}

function operationFor(request: RecordedQdrantRequest): { template: string; operation: Schema } | undefined {
  for (const [template, methods] of Object.entries(openapi.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const operation = methods[request.method.toLowerCase()];
    if (operation && pattern.test(request.path)) return { template, operation };
  }
  return undefined;
}

function jsonSchema(container: unknown): Schema | undefined {
  const content = (container as { content?: Record<string, { schema?: Schema }> } | undefined)?.content;
  return content?.['application/json']?.schema;
}

/** Requests sent wrong on purpose, to see the double refuse them as Qdrant does: their bodies are not checked. */
const deliberatelyInvalid = new Set<RecordedQdrantRequest>();

/** The store's requests, one scenario per kind. */
async function exercise(double: QdrantRecorder): Promise<void> {
  const url = double.url;
  const client = new QdrantClient({ url, checkCompatibility: false });
  await client.createCollection('legacy', {
    vectors: { dense: { size: 4, distance: 'Cosine' } },
    sparse_vectors: { bm25: { modifier: 'idf' } },
  });
  const old = makeAdapter({ id: 'hf:old/1', name: 'Old Corgi' });
  await client.upsert('legacy', {
    wait: true,
    points: [
      {
        id: pointIdFor(old.id),
        vector: { dense: [1, 0, 0, 0], bm25: { indices: [1, 2], values: [0.5, 0.25] } },
        payload: { adapter_id: old.id, nsfw: false, real_person: false, record: JSON.parse(JSON.stringify(old)) },
      },
    ],
  });
  const legacy = await QdrantAdapterStore.open({ url, collection: 'legacy', dimensions: 4 });
  await legacy.searchText('corgi', { limit: 3 });
  await QdrantAdapterStore.open({ url, collection: 'legacy', dimensions: 8 }).catch(() => undefined);

  const store = await QdrantAdapterStore.open({ url, collection: 'check', batchSize: 3 });
  const adapters = ['Ukiyo-e Woodblock', 'Pixel Art', 'Corgi Dog', 'Ink Wash', 'Neon City'].map((name, index) =>
    makeAdapter({ id: `hf:check/${index}`, name, description: `${name} style`, nsfw: index === 4 }),
  );
  await store.upsert(adapters);
  await store.upsert(adapters);
  await store.setVectors(
    adapters.map((adapter, index) => ({ id: adapter.id, vector: Float32Array.from([index, 1, 0.5]) })),
    'm',
  );
  await store.writeVectors([{ id: 'hf:check/0', vector: Float32Array.from([0, 1, 0.5]) }], 'm');
  await store.searchText('pixel art city', { limit: 3, filter: { baseFamilies: ['sdxl'], excludeIds: ['hf:x'] } });
  await store.searchVector(Float32Array.from([1, 1, 1]), { limit: 2, filter: { allowNsfw: true } });
  await store.hybridSearch({ text: 'ink wash', vector: Float32Array.from([1, 0, 0]) }, { limit: 3, rrfK: 60 });
  const page = await store.list({ limit: 2 });
  await store.list({ limit: 2, after: page.at(-1)?.id });
  await store.stats();
  await store.getMany(['hf:check/1', 'nope']);
  await store.getVectors(['hf:check/2']);
  await store.idsWithoutVector('other', 10);
  await store.delete(['hf:check/3']);
  await store.settle();
  await store.version();
  double.injectFault({ method: 'POST', path: '/collections/check/points/query', status: 400, error: 'Bad request' });
  await store.searchVector(Float32Array.from([1, 0, 0]), { limit: 2 }).catch(() => undefined);
  await client.retrieve('check', { ids: ['civitai:1'] }).catch(() => undefined);
  const invalid = double.requests.at(-1);
  if (invalid) deliberatelyInvalid.add(invalid);
  await client.getCollection('missing').catch(() => undefined);
  await store.dropCollection();
}

const double = await QdrantRecorder.start();
try {
  await exercise(double);
  const violations: string[] = [];
  const operations = new Set<string>();
  for (const request of double.requests) {
    const where = `${request.method} ${request.path}`;
    if (request.path === '/') continue;
    const match = operationFor(request);
    if (!match) {
      violations.push(`${where}: no such operation in the schema`);
      continue;
    }
    operations.add(`${request.method} ${match.template}`);
    const bodySchema = jsonSchema(match.operation.requestBody);
    if (bodySchema && request.body !== undefined && !deliberatelyInvalid.has(request))
      violations.push(...validate(request.body, bodySchema, `${where} body`));
    const responses = match.operation.responses as Record<string, unknown>;
    const answer = request.status === 200 ? responses['200'] : (responses['4XX'] ?? responses.default);
    const answerSchema = jsonSchema(answer);
    if (!answerSchema) violations.push(`${where}: no schema for status ${request.status}`);
    else violations.push(...validate(request.response, answerSchema, `${where} answer ${request.status}`));
  }
  console.log(
    `${double.requests.length} requests, ${operations.size} operations, ${violations.length} schema violations` +
      ` (requests and the double's answers against ${schemaFile})`,
  );
  for (const violation of violations.slice(0, 40)) console.log(`  ${violation}`);
  process.exitCode = violations.length > 0 ? 1 : 0;
} finally {
  await double.close();
}
