import { type Adapter, type AdapterInput, parseAdapter } from '../../src/catalog/adapter.js';

/** A valid adapter record for tests; override what the test is about. */
export function makeAdapter(overrides: Partial<AdapterInput> & { id: string }): Adapter {
  const name = overrides.name ?? overrides.id.replace(/^\w+:/, '');
  return parseAdapter({
    source: 'huggingface',
    name,
    description: '',
    baseFamily: 'sdxl',
    fileName: `${name.replace(/[^\w-]+/g, '_')}.safetensors`,
    ...overrides,
  });
}
