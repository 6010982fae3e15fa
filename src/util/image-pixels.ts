import sharp from 'sharp';

/**
 * The largest picture a member may attach, in pixels: 4096×4096 covers every render size a job allows. A file's
 * header states its size, so a 30 KB PNG that declares 16383×16383 (a decompression bomb) is refused from the header,
 * before a single pixel is decoded; the same number is sharp's `limitInputPixels` wherever pixels are decoded.
 */
export const MAX_INPUT_PIXELS = 4096 * 4096;

export interface ImageHeader {
  format: string;
  width: number;
  height: number;
}

/** Format and size from the file's header only (sharp's metadata does not decode pixels); undefined when unreadable. */
export async function readImageHeader(bytes: Buffer): Promise<ImageHeader | undefined> {
  try {
    const { format, width, height } = await sharp(bytes).metadata();
    return format && width && height ? { format, width, height } : undefined;
  } catch {
    return undefined;
  }
}

export function exceedsPixelLimit(header: Pick<ImageHeader, 'width' | 'height'>): boolean {
  return header.width * header.height > MAX_INPUT_PIXELS;
}

/** The one sentence for a picture that is too big: its size, the limit, what to do. */
export function pixelLimitSentence(label: string, header: Pick<ImageHeader, 'width' | 'height'>): string {
  const side = Math.sqrt(MAX_INPUT_PIXELS);
  const megapixels = (MAX_INPUT_PIXELS / 1_000_000).toFixed(1);
  return `The ${label} is ${header.width}×${header.height} pixels; the largest accepted is ${side}×${side} (${megapixels} megapixels). Attach a smaller picture.`;
}
