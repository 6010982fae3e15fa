import { QdrantClient, type Schemas } from '@qdrant/js-client-rest';
import { isUserFacing } from '../errors.js';
import type { Logger } from '../log.js';
import { explainQdrantError, type QdrantTarget } from './qdrant-errors.js';

/**
 * One Qdrant collection and the client that reaches it. Every request goes through `call`, so any failure becomes
 * one sentence naming QDRANT_URL, the collection and Qdrant's own reason, and is logged with its context.
 */
export class QdrantConnection {
  readonly client: QdrantClient;

  constructor(
    readonly target: QdrantTarget,
    readonly log: Logger,
    options: { apiKey?: string; timeoutMs?: number },
  ) {
    this.client = new QdrantClient({
      url: target.url,
      apiKey: options.apiKey,
      timeout: options.timeoutMs ?? 30_000,
      // The client's own check only prints to the console; the layout checks the version and says what to do.
      checkCompatibility: false,
    });
  }

  get collection(): string {
    return this.target.collection;
  }

  /** Runs one request; `operation` completes "refused to ..." / "cannot reach ... to ...". */
  async call<T>(operation: string, run: (client: QdrantClient, collection: string) => Promise<T>): Promise<T> {
    try {
      return await run(this.client, this.target.collection);
    } catch (error) {
      if (isUserFacing(error)) throw error;
      const explained = explainQdrantError(error, this.target, operation);
      this.log.warn({ err: error, collection: this.target.collection, operation }, explained.userMessage);
      throw explained;
    }
  }

  /** The collection's description: configuration, payload indexes and metadata. */
  info(): Promise<Schemas['CollectionInfo']> {
    return this.call('read the collection', (client, collection) => client.getCollection(collection));
  }

  /** Pages through the points matching a filter, in point-id order. */
  async *scroll(
    request: Omit<Schemas['ScrollRequest'], 'offset'>,
    operation: string,
  ): AsyncGenerator<Schemas['Record'][]> {
    let offset: Schemas['ExtendedPointId'] | undefined;
    do {
      const page = await this.call(operation, (client, collection) =>
        client.scroll(collection, { ...request, offset }),
      );
      yield page.points;
      offset = nextOffset(page.next_page_offset);
    } while (offset !== undefined);
  }
}

export function nextOffset(
  offset: Schemas['ScrollResult']['next_page_offset'],
): Schemas['ExtendedPointId'] | undefined {
  return typeof offset === 'string' || typeof offset === 'number' ? offset : undefined;
}
