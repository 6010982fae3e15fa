import { UserFacingError } from '../errors.js';
import { parseBase, planComposition, randomSeed } from '../stylus/pipeline.js';
import type { CompositionPlan } from '../stylus/types.js';
import { cliServices } from './context.js';
import { type CliIo, intFlag, parseCliArgs, writeLine } from './io.js';

/** `stylus compose "<prompt>" [--json] [--base sdxl] [--images 4] [--seed N]` */
export async function runCompose(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    json: { type: 'boolean', default: false },
    base: { type: 'string' },
    images: { type: 'string' },
    seed: { type: 'string' },
    'allow-nsfw': { type: 'boolean', default: false },
  });
  if (positionals.length === 0)
    throw new UserFacingError('Give a prompt: stylus compose "a red fox, watercolor"', 'usage');
  const prompt = positionals.join(' ');
  const base = parseBase(values.base);
  const images = intFlag('images', values.images, 4, 1, 16);
  const seed = intFlag('seed', values.seed, randomSeed(), 0, 2 ** 32 - 1);
  const services = await cliServices(io);
  try {
    const plan = await planComposition(services, { prompt, base, images, seed, allowNsfw: values['allow-nsfw'] });
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
