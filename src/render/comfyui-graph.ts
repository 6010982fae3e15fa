/**
 * ComfyUI's API-format prompt: a map of node id -> { class_type, inputs }, where an input that comes from another
 * node is `[nodeId, outputIndex]`. Built here for the worker and for Export, so members can paste it into their UI.
 */
export type ComfyLink = [string, number];
export type ComfyInput = string | number | boolean | ComfyLink;
export interface ComfyNode {
  class_type: string;
  inputs: Record<string, ComfyInput>;
  _meta?: { title: string };
}
export type ComfyGraph = Record<string, ComfyNode>;

export interface ComfyGraphInput {
  checkpoint: string;
  positive: string;
  negative: string;
  loras: readonly { fileName: string; weight: number }[];
  seed: number;
  steps: number;
  cfg: number;
  sampler: string;
  scheduler?: string;
  width: number;
  height: number;
  batchSize?: number;
  /** Name of an uploaded image (POST /upload/image) for image-to-image. */
  initImage?: string;
  /** Name of an uploaded mask for inpainting (white = repaint); needs `initImage`. */
  mask?: string;
  /** Below 1 for image-to-image; ignored for text-to-image. */
  denoise?: number;
  filenamePrefix?: string;
}

/** Output slots of the nodes we use, by name, so links read as what they carry. */
const OUT = { MODEL: 0, CLIP: 1, VAE: 2, CONDITIONING: 0, LATENT: 0, IMAGE: 0, MASK: 0 } as const;

/**
 * CheckpointLoaderSimple -> LoraLoader x N (chained; strength_model = strength_clip = weight) -> CLIPTextEncode
 * (positive, negative) -> KSampler -> VAEDecode -> SaveImage. Image-to-image: LoadImage + VAEEncode with denoise < 1.
 * Inpainting: LoadImageMask + SetLatentNoiseMask on the encoded image.
 */
export function buildComfyGraph(input: ComfyGraphInput): ComfyGraph {
  const graph: ComfyGraph = {};
  let next = 1;
  const add = (node: ComfyNode): string => {
    const id = String(next++);
    graph[id] = node;
    return id;
  };

  const checkpoint = add({
    class_type: 'CheckpointLoaderSimple',
    inputs: { ckpt_name: input.checkpoint },
    _meta: { title: 'Checkpoint' },
  });
  let model: ComfyLink = [checkpoint, OUT.MODEL];
  let clip: ComfyLink = [checkpoint, OUT.CLIP];
  const vae: ComfyLink = [checkpoint, OUT.VAE];

  for (const lora of input.loras) {
    const loader = add({
      class_type: 'LoraLoader',
      inputs: {
        lora_name: lora.fileName,
        strength_model: round(lora.weight),
        strength_clip: round(lora.weight),
        model,
        clip,
      },
      _meta: { title: `LoRA ${lora.fileName}` },
    });
    model = [loader, 0];
    clip = [loader, 1];
  }

  const positive = add({
    class_type: 'CLIPTextEncode',
    inputs: { text: input.positive, clip },
    _meta: { title: 'Positive' },
  });
  const negative = add({
    class_type: 'CLIPTextEncode',
    inputs: { text: input.negative, clip },
    _meta: { title: 'Negative' },
  });

  let latent: ComfyLink;
  let denoise = 1;
  if (input.initImage) {
    const image = add({ class_type: 'LoadImage', inputs: { image: input.initImage }, _meta: { title: 'Init image' } });
    const encoded = add({ class_type: 'VAEEncode', inputs: { pixels: [image, OUT.IMAGE], vae } });
    latent = [encoded, OUT.LATENT];
    if (input.mask) {
      const mask = add({
        class_type: 'LoadImageMask',
        inputs: { image: input.mask, channel: 'red' },
        _meta: { title: 'Inpaint mask' },
      });
      const masked = add({ class_type: 'SetLatentNoiseMask', inputs: { samples: latent, mask: [mask, OUT.MASK] } });
      latent = [masked, OUT.LATENT];
    }
    denoise = input.denoise !== undefined && input.denoise < 1 ? input.denoise : 0.75;
  } else {
    const empty = add({
      class_type: 'EmptyLatentImage',
      inputs: { width: input.width, height: input.height, batch_size: input.batchSize ?? 1 },
    });
    latent = [empty, OUT.LATENT];
  }

  const sampler = add({
    class_type: 'KSampler',
    inputs: {
      seed: input.seed,
      steps: input.steps,
      cfg: input.cfg,
      sampler_name: input.sampler,
      scheduler: input.scheduler ?? 'normal',
      denoise,
      model,
      positive: [positive, OUT.CONDITIONING],
      negative: [negative, OUT.CONDITIONING],
      latent_image: latent,
    },
  });
  const decoded = add({ class_type: 'VAEDecode', inputs: { samples: [sampler, OUT.LATENT], vae } });
  add({
    class_type: 'SaveImage',
    inputs: { filename_prefix: input.filenamePrefix ?? 'stylus', images: [decoded, OUT.IMAGE] },
  });
  return graph;
}

function round(weight: number): number {
  return Math.round(weight * 1000) / 1000;
}

/** Links in a graph that point at a node that does not exist: empty for a well-formed graph. */
export function danglingLinks(graph: ComfyGraph): string[] {
  const problems: string[] = [];
  for (const [id, node] of Object.entries(graph)) {
    for (const [name, value] of Object.entries(node.inputs)) {
      if (Array.isArray(value) && !graph[value[0]]) problems.push(`${id}.${name} -> ${value[0]}`);
    }
  }
  return problems;
}
