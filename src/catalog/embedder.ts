import type OpenAI from 'openai';

/** Turns texts into vectors. Queries and documents go through the same call, as the retriever expects. */
export interface Embedder {
  readonly model: string;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** Most OpenAI-compatible servers take up to 2048 inputs; 128 keeps each request small and retries cheap. */
export const EMBEDDING_BATCH_SIZE = 128;

export class OpenAiEmbedder implements Embedder {
  constructor(
    private readonly client: OpenAI,
    readonly model: string,
    private readonly dimensions?: number,
  ) {}

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += EMBEDDING_BATCH_SIZE) {
      const batch = texts.slice(start, start + EMBEDDING_BATCH_SIZE);
      const response = await this.client.embeddings.create({
        model: this.model,
        input: [...batch],
        encoding_format: 'base64',
        ...(this.dimensions ? { dimensions: this.dimensions } : {}),
      });
      const ordered = [...response.data].sort((a, b) => a.index - b.index);
      if (ordered.length !== batch.length) {
        throw new Error(`embedding endpoint returned ${ordered.length} vectors for ${batch.length} texts`);
      }
      for (const item of ordered) out.push(decodeEmbedding(item.embedding as unknown as string | number[]));
    }
    return out;
  }
}

/** The openai package hands back base64 (float32 little-endian) when asked to; some servers send arrays anyway. */
export function decodeEmbedding(embedding: string | number[]): Float32Array {
  if (Array.isArray(embedding)) return Float32Array.from(embedding);
  const bytes = Buffer.from(embedding, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** The text an adapter is embedded from: name, refined description and tags. */
export function adapterEmbeddingText(adapter: { name: string; description: string; tags: readonly string[] }): string {
  return [adapter.name, adapter.description, adapter.tags.join(', ')].filter(Boolean).join('\n');
}
