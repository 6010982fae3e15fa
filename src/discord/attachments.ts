import type { Attachment } from 'discord.js';
import sharp from 'sharp';
import { UserFacingError } from '../errors.js';
import { exceedsPixelLimit, MAX_INPUT_PIXELS, pixelLimitSentence, readImageHeader } from '../util/image-pixels.js';
import { readBodyCapped } from '../util/read-capped.js';

export const ACCEPTED_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
const ACCEPTED_FORMATS = new Set(['png', 'jpeg', 'webp']);
/** Discord's default upload limit; an interaction may carry a smaller one. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export interface CheckedImage {
  url: string;
  width: number;
  height: number;
}

function sizeText(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** What can be checked before deferring: the declared type and size. */
export function checkAttachment(attachment: Attachment, label: string, limitBytes: number): void {
  const type = attachment.contentType?.split(';')[0]?.trim().toLowerCase();
  if (!type || !(ACCEPTED_IMAGE_TYPES as readonly string[]).includes(type)) {
    throw new UserFacingError(
      `The ${label} must be a PNG, JPEG or WebP image (got ${type ?? 'an unknown file type'}).`,
      'bad_attachment_type',
    );
  }
  if (attachment.size > limitBytes) {
    throw new UserFacingError(
      `The ${label} is ${sizeText(attachment.size)}; the limit is ${sizeText(limitBytes)}.`,
      'attachment_too_large',
    );
  }
}

/** Downloads an attachment (bounded) and decodes its header: a file that is not really an image is refused. */
export async function loadImage(attachment: Attachment, label: string, limitBytes: number): Promise<CheckedImage> {
  let bytes: Buffer | undefined;
  try {
    const response = await fetch(attachment.url, { signal: AbortSignal.timeout(20_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    bytes = await readBodyCapped(response, limitBytes);
  } catch (error) {
    throw new UserFacingError(`The ${label} could not be downloaded from Discord; try again.`, 'attachment_fetch', {
      cause: error,
    });
  }
  if (!bytes) {
    throw new UserFacingError(`The ${label} is larger than ${sizeText(limitBytes)}.`, 'attachment_too_large');
  }
  // The header alone says how big the picture is: a huge one is refused before any pixel is decoded.
  const header = await readImageHeader(bytes);
  if (header && exceedsPixelLimit(header)) {
    throw new UserFacingError(pixelLimitSentence(label, header), 'image_too_many_pixels');
  }
  try {
    if (!header || !ACCEPTED_FORMATS.has(header.format)) throw new Error(`unsupported format ${header?.format}`);
    // Decoding catches files whose header is fine but whose data is truncated or damaged; a thumbnail keeps the
    // decoded copy small.
    await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS })
      .resize({ width: 64, height: 64, fit: 'inside' })
      .raw()
      .toBuffer();
    return { url: attachment.url, width: header.width, height: header.height };
  } catch (error) {
    throw new UserFacingError(`The ${label} is not a readable PNG, JPEG or WebP image.`, 'corrupt_attachment', {
      cause: error,
    });
  }
}
