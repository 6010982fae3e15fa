import sharp from 'sharp';

export interface EncodedImage {
  data: Buffer;
  format: 'png' | 'webp' | 'jpeg';
}

/** Columns for a grid of n images: 2x2 for four, one row for two or three, near-square beyond. */
export function gridColumns(count: number): number {
  if (count <= 3) return Math.max(1, count);
  if (count === 4) return 2;
  return Math.ceil(Math.sqrt(count));
}

/** Lays images out on one canvas (each tile the size of the largest image, centred). */
export async function makeGrid(images: readonly Buffer[]): Promise<Buffer> {
  const metas = await Promise.all(images.map((image) => sharp(image).metadata()));
  const tileWidth = Math.max(...metas.map((meta) => meta.width ?? 0));
  const tileHeight = Math.max(...metas.map((meta) => meta.height ?? 0));
  const columns = gridColumns(images.length);
  const rows = Math.ceil(images.length / columns);
  const gap = 4;
  return sharp({
    create: {
      width: columns * tileWidth + (columns - 1) * gap,
      height: rows * tileHeight + (rows - 1) * gap,
      channels: 3,
      background: { r: 24, g: 24, b: 27 },
    },
  })
    .composite(
      images.map((input, index) => {
        const meta = metas[index];
        return {
          input,
          left: (index % columns) * (tileWidth + gap) + Math.floor((tileWidth - (meta?.width ?? tileWidth)) / 2),
          top:
            Math.floor(index / columns) * (tileHeight + gap) +
            Math.floor((tileHeight - (meta?.height ?? tileHeight)) / 2),
        };
      }),
    )
    .png()
    .toBuffer();
}

/**
 * Encodes an image to fit `maxBytes`: lossless PNG when it fits, then WebP and JPEG at falling quality, then smaller
 * sizes. Returns undefined only when even a small JPEG does not fit (an absurd limit).
 */
export async function encodeToFit(image: Buffer, maxBytes: number): Promise<EncodedImage | undefined> {
  const png = await sharp(image).png({ compressionLevel: 9 }).toBuffer();
  if (png.length <= maxBytes) return { data: png, format: 'png' };
  const meta = await sharp(image).metadata();
  const width = meta.width ?? 1024;
  for (const scale of [1, 0.75, 0.5, 0.35, 0.25]) {
    const resized =
      scale === 1 ? sharp(image) : sharp(image).resize({ width: Math.max(16, Math.round(width * scale)) });
    for (const quality of [90, 80, 70]) {
      const webp = await resized.clone().webp({ quality }).toBuffer();
      if (webp.length <= maxBytes) return { data: webp, format: 'webp' };
    }
    for (const quality of [85, 70, 55]) {
      const jpeg = await resized.clone().jpeg({ quality, mozjpeg: true }).toBuffer();
      if (jpeg.length <= maxBytes) return { data: jpeg, format: 'jpeg' };
    }
  }
  return undefined;
}
