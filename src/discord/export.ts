import type { Adapter } from '../catalog/adapter.js';
import type { Config } from '../config.js';
import { buildComfyGraph, type ComfyGraph, danglingLinks } from '../render/comfyui-graph.js';
import { checkpointFor } from '../render/submit.js';
import type { CompositionRecord } from '../state/compositions.js';
import type { ImagePrompt } from '../stylus/types.js';
import { compositionImages, negativePromptFor } from './composition-images.js';
import { LIMITS } from './limits.js';

export interface ExportBundle {
  content: string;
  files: { name: string; data: Buffer }[];
  graph: ComfyGraph;
  images: ImagePrompt[];
}

/** Backticks would close the code block a prompt is shown in; a look-alike keeps the text readable. */
function codeSafe(text: string): string {
  return text.replace(/`/g, 'ˋ');
}

/**
 * Export: the A1111/Forge prompt (`<lora:...>` tags) of every image, and the ComfyUI API-format workflow of image 1
 * as a file, so a member can render the composition in their own UI.
 */
export function buildExport(
  record: CompositionRecord,
  adapters: ReadonlyMap<string, Adapter>,
  config: Config,
): ExportBundle {
  const images = compositionImages(record, adapters, config);
  const first = images[0];
  if (!first) throw new Error(`composition ${record.id} has no images`);
  const configured = checkpointFor(config, record.base);
  const graph = buildComfyGraph({
    checkpoint: configured ?? `${record.base}-checkpoint.safetensors`,
    positive: first.positive,
    negative: negativePromptFor(record, config),
    loras: first.loras,
    seed: first.seed,
    steps: config.RENDER_STEPS,
    cfg: config.RENDER_CFG,
    sampler: config.RENDER_SAMPLER,
    width: config.RENDER_WIDTH,
    height: config.RENDER_HEIGHT,
    ...(record.initImageUrl ? { initImage: 'stylus-init.png' } : {}),
    ...(record.initImageUrl && record.maskUrl ? { mask: 'stylus-mask.png' } : {}),
  });
  const broken = danglingLinks(graph);
  if (broken.length > 0) throw new Error(`export graph has dangling links: ${broken.join(', ')}`);

  const promptBlocks = images.map(
    (image) => `Image ${image.index + 1} · seed ${image.seed}\n\`\`\`\n${codeSafe(image.a1111Prompt)}\n\`\`\``,
  );
  const notes = [
    configured ? undefined : `Pick your own ${record.base} checkpoint in the workflow's Checkpoint node.`,
    record.initImageUrl ? 'Load your image (and mask) into the LoadImage nodes.' : undefined,
  ].filter((note): note is string => note !== undefined);
  const header = `**A1111 / Forge prompts** (negative: \`${codeSafe(negativePromptFor(record, config))}\`)`;
  const footer = `ComfyUI workflow (API format) of image 1 attached.${notes.length ? ` ${notes.join(' ')}` : ''}`;
  const files = [
    { name: `stylus-${record.id}-comfyui.json`, data: Buffer.from(`${JSON.stringify(graph, null, 2)}\n`) },
  ];
  let content = [header, ...promptBlocks, footer].join('\n');
  if (content.length > LIMITS.content) {
    const text = images
      .map((image) => `# image ${image.index + 1}, seed ${image.seed}\n${image.a1111Prompt}\n`)
      .join('\n');
    files.push({ name: `stylus-${record.id}-a1111.txt`, data: Buffer.from(text) });
    content = `**A1111 / Forge prompts** are in the attached text file (too long for a message).\n${footer}`;
  }
  return { content, files, graph, images };
}
