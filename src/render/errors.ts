import { UserFacingError } from '../errors.js';

export type RenderErrorCode =
  | 'no_backend'
  | 'no_checkpoint'
  | 'queue_limit'
  | 'bad_job'
  | 'backend_unreachable'
  | 'backend_rejected'
  | 'out_of_memory'
  | 'no_images'
  | 'lora_missing'
  | 'lora_refused'
  | 'lora_invalid'
  | 'lora_download'
  | 'init_image_invalid'
  | 'cancelled'
  | 'delivery'
  | 'internal';

/**
 * An expected render failure: the sentence goes to the member in the channel. `retriable` says whether another
 * try can help (a backend that is down may come back; a pickle file or a wrong hash never will).
 */
export class RenderError extends UserFacingError {
  constructor(
    userMessage: string,
    override readonly code: RenderErrorCode,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(userMessage, code, options);
    this.name = 'RenderError';
  }
}

export class RenderCancelledError extends RenderError {
  constructor() {
    super('The render was cancelled.', 'cancelled', false);
    this.name = 'RenderCancelledError';
  }
}

export function isRetriable(error: unknown): boolean {
  if (error instanceof RenderError) return error.retriable;
  // Unexpected errors (a bug, a dropped socket) get the benefit of the doubt.
  return true;
}
