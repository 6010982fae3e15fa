import { parseBase, planComposition, randomSeed } from '../stylus/pipeline.js';
import type { CompositionPlan } from '../stylus/types.js';
import { BASE_FLAG, cliBaseHint } from './base-flag.js';
import { cliConfig, cliServices } from './context.js';
import { type CliIo, writeLine } from './io.js';
import { defineCommand, parseCommand } from './spec.js';

export const composeSpec = defineCommand({
  command: 'stylus compose',
  summary:
    'Pick adapters for a prompt and print the plan: tasks, adapters with weights and reasons, each image prompt.',
  args: '"<prompt>"',
  positionals: { min: 1 },
  flags: {
    base: BASE_FLAG,
    images: { type: 'int', help: 'images to plan', min: 1, max: 16, default: 4 },
    seed: { type: 'int', help: 'seed of the first image', min: 0, max: 2 ** 32 - 1, defaultText: 'random' },
    json: { type: 'boolean', help: 'print one JSON object (tasks, adapters, images, timings) instead of text' },
    'allow-nsfw': { type: 'boolean', help: 'let NSFW adapters be picked (as in an age-restricted channel)' },
  },
  examples: ['stylus compose "a corgi astronaut floating in space, ukiyo-e woodblock print style" --seed 42'],
  notes: ['Uses the LLM composer when STYLUS_COMPOSER_MODEL is set, else the offline keyword composer.'],
});

export async function runCompose(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(composeSpec, args);
  const prompt = positionals.join(' ');
  const base = parseBase(values.base, cliConfig(io).STYLUS_DEFAULT_BASE);
  const images = values.images;
  const seed = values.seed ?? randomSeed();
  const services = await cliServices(io);
  try {
    const plan = await cliBaseHint(() =>
      planComposition(services, { prompt, base, images, seed, allowNsfw: values['allow-nsfw'] }),
    );
    if (values.json) writeLine(io.stdout, JSON.stringify(planToJson(plan)));
    else printPlan(plan, io);
    return 0;
  } finally {
    await services.close();
  }
}

/** The documented JSON shape of `stylus compose --json`. */
export function planToJson(plan: CompositionPlan) {
  const firstImage = plan.images[0];
  const weightOf = (id: string) => roundWeight(firstImage?.loras.find((lora) => lora.adapterId === id)?.weight ?? 0);
  return {
    prompt: plan.prompt,
    base: plan.base,
    tasks: plan.tasks.map((task) => ({
      task: task.task,
      adapters: task.adapters.map((assigned) => ({
        id: assigned.adapterId,
        name: plan.adapters[assigned.adapterId]?.name ?? assigned.adapterId,
        weight: weightOf(assigned.adapterId),
        reason: assigned.reason,
      })),
    })),
    images: plan.images.map((image) => ({
      seed: image.seed,
      prompt: image.a1111Prompt,
      adapters: image.loras.map((lora) => ({ id: lora.adapterId, weight: roundWeight(lora.weight) })),
    })),
    timings_ms: {
      retrieve: round(plan.timingsMs.retrieve),
      compose: round(plan.timingsMs.compose),
      total: round(plan.timingsMs.total),
    },
    composer: plan.composer,
    prompt_tokens: plan.promptTokens,
  };
}

/** Weights as a member reads them (0.64, not 0.6400000000000001). */
function roundWeight(weight: number): number {
  return Math.round(weight * 1000) / 1000;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function printPlan(plan: CompositionPlan, io: CliIo): void {
  const json = planToJson(plan);
  writeLine(io.stdout, `Prompt: ${plan.prompt}`);
  writeLine(
    io.stdout,
    `Base: ${plan.base}   Seed: ${plan.seed}   Composer: ${plan.composer}${plan.fallbackReason ? ` (fell back: ${plan.fallbackReason})` : ''}`,
  );
  writeLine(io.stdout);
  for (const task of json.tasks) {
    writeLine(io.stdout, `• ${task.task}`);
    if (task.adapters.length === 0) writeLine(io.stdout, '    (no adapter)');
    for (const adapter of task.adapters) {
      writeLine(
        io.stdout,
        `    ${adapter.name} [${adapter.id}] weight ${adapter.weight.toFixed(2)}: ${adapter.reason}`,
      );
    }
  }
  writeLine(io.stdout);
  for (const image of json.images) writeLine(io.stdout, `Image seed ${image.seed}: ${image.prompt}`);
  writeLine(io.stdout);
  writeLine(
    io.stdout,
    `Timings: retrieve ${json.timings_ms.retrieve} ms, compose ${json.timings_ms.compose} ms, total ${json.timings_ms.total} ms`,
  );
}
