/**
 * Size of the LLM composer's request (system + user message + response schema), counted with gpt-tokenizer
 * (o200k), for PartiPrompts against the Civitai catalog with the paper's 150 candidates. For scale, the same
 * candidates written the way the paper's composer did (name and the whole description each) are counted too.
 * Usage: node --import tsx bench/composer-tokens.ts --catalog <civitai dump> [--parti PartiPrompts.tsv] [--prompts 300]
 * Without --parti, the prompts are the example prompts of the dump's own adapters (the report says which).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { loadCivitaiDump } from '../src/cli/eval-retrieval.js';
import { buildComposerRequest } from '../src/stylus/llm-composer.js';
import { retrieve } from '../src/stylus/retriever.js';
import { countTokens } from '../src/stylus/tokens.js';
import { report, summarise } from './synthetic.js';

const { values } = parseArgs({
  options: {
    prompts: { type: 'string', default: '300' },
    catalog: { type: 'string' },
    parti: { type: 'string' },
  },
});
const missing = [values.catalog, values.parti].find((file) => file !== undefined && !existsSync(file));
if (!values.catalog || missing) {
  console.error(`bench/composer-tokens: ${missing ? `${missing} not found` : 'give --catalog <civitai dump>'}.`);
  process.exit(2);
}

/** PartiPrompts' first column (header skipped), or the example prompts of the catalog's adapters. */
async function promptPool(store: SqliteAdapterStore): Promise<{ prompts: string[]; from: string }> {
  if (values.parti) {
    const prompts = readFileSync(values.parti, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t')[0]?.trim() ?? '')
      .filter(Boolean);
    return { prompts, from: path.basename(values.parti) };
  }
  const prompts: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.list({ after, limit: 500 });
    if (page.length === 0) break;
    prompts.push(...page.flatMap((adapter) => adapter.examplePrompts.slice(0, 1)));
    after = page.at(-1)?.id;
  }
  return { prompts, from: 'example prompts of the dump' };
}

const dir = mkdtempSync(path.join(tmpdir(), 'stylus-bench-tokens-'));
const store = new SqliteAdapterStore(path.join(dir, 'stylus.db'));
try {
  await loadCivitaiDump(store, values.catalog);
  const pool = await promptPool(store);
  const step = Math.max(1, Math.floor(pool.prompts.length / Number(values.prompts)));
  const sample = pool.prompts.filter((_, index) => index % step === 0).slice(0, Number(values.prompts));
  const ours: number[] = [];
  const paperStyle: number[] = [];
  const candidateCounts: number[] = [];
  for (const prompt of sample) {
    const { candidates } = await retrieve({ store }, prompt, {
      limit: 150,
      filter: { allowNsfw: true, allowRealPerson: true },
    });
    candidateCounts.push(candidates.length);
    ours.push(buildComposerRequest(prompt, candidates).promptTokens);
    const listing = candidates
      .map(
        (candidate) =>
          `${candidate.adapter.name}: ${candidate.adapter.description || candidate.adapter.originalDescription}`,
      )
      .join('\n');
    paperStyle.push(countTokens(`${prompt}\n${listing}`));
  }
  report({
    bench: 'composer_prompt_tokens',
    prompts: sample.length,
    prompts_from: pool.from,
    candidates_p50: summarise(candidateCounts).p50,
    ...summarise(ours),
    unit: 'tokens',
    target_p50: 2500,
  });
  report({
    bench: 'composer_prompt_tokens_paper_style',
    prompts: sample.length,
    ...summarise(paperStyle),
    unit: 'tokens',
    note: 'same candidates, full descriptions',
  });
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
