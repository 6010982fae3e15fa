import OpenAI from 'openai';
import type { Config } from './config.js';

/**
 * One client for every OpenAI-compatible call (composer, refiner, embeddings). Local servers (Ollama, vLLM,
 * LM Studio) need no key, but the SDK insists on one, hence the placeholder.
 */
export function createOpenAiClient(config: Config): OpenAI {
  return new OpenAI({
    apiKey: config.OPENAI_API_KEY ?? 'not-needed',
    baseURL: config.OPENAI_BASE_URL,
    timeout: config.OPENAI_TIMEOUT_MS,
    maxRetries: 2,
  });
}
