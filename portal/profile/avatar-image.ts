/**
 * A member's uploaded avatar → a fresh 256×256 WebP. Uploaded bytes are untrusted: the type comes
 * from their magic numbers (never a file name or declared content type), oversized and
 * over-large-in-pixels images are refused before any pixel is decoded, and the result is always
 * newly encoded pixels without metadata, so no uploaded byte (EXIF, GPS, a smuggled script after
 * the image data) is ever served back.
 */
import sharp from 'sharp';

/** Why an upload was refused; pages show `profile.avatar.refused.<code>` from the catalogues. */
export type AvatarRefusal = 'too-large' | 'not-an-image' | 'unsupported-type' | 'too-many-pixels' | 'bad-crop';

/** The square to keep, in the original image's pixels after its EXIF orientation is applied. */
export interface AvatarCrop {
  x: number;
  y: number;
  size: number;
}

/** The square to keep, or how to find it once the upright picture's size is known (avatar-crop.ts). */
export type AvatarCropChoice = AvatarCrop | 'centre' | ((upright: { width: number; height: number }) => AvatarCrop) | undefined;

export type AvatarResult =
  | { ok: true; image: Buffer; contentType: 'image/webp' }
  | { ok: false; reason: AvatarRefusal };

export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
/** A 40-megapixel header decodes to ~160 MB of RGBA: the most one upload may cost us. */
export const AVATAR_MAX_PIXELS = 40_000_000;
export const AVATAR_SIZE = 256;
const WEBP_QUALITY = 82;

// The portal shares 2 cores (and its memory) with the IdP: one libvips thread per image and no
// operation cache, so an avatar upload cannot starve logins, and decoded uploads do not linger.
sharp.concurrency(1);
sharp.cache(false);

type AcceptedType = 'jpeg' | 'png' | 'webp';

const startsWith = (bytes: Buffer, prefix: readonly number[], at = 0) =>
  bytes.length >= at + prefix.length && prefix.every((byte, i) => bytes[at + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** What the bytes say they are: an accepted type, another image format, or not an image at all. */
function sniff(bytes: Buffer): AcceptedType | 'other-image' | 'unknown' {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  // Formats a member may well pick (an animation, an iPhone's HEIC, a scan) get "use JPEG, PNG or
  // WebP" rather than "this is not an image".
  const otherImages = [ascii('GIF87a'), ascii('GIF89a'), ascii('BM'), [0x49, 0x49, 0x2a, 0x00], [0x4d, 0x4d, 0x00, 0x2a]];
  if (otherImages.some((magic) => startsWith(bytes, magic))) return 'other-image';
  if (startsWith(bytes, ascii('ftyp'), 4)) return 'other-image'; // HEIC, AVIF (ISO base media)
  return 'unknown';
}

const decodeOptions = {
  failOn: 'error', // a truncated or corrupt upload is refused, not half-rendered
  sequentialRead: true,
  // Animated WebP/PNG: the first frame only, so a still avatar is made and frames are never
  // multiplied into the pixel budget.
  pages: 1,
} satisfies sharp.SharpOptions;

/** Checks the upload and re-encodes the chosen square (the largest centred one by default) as a WebP avatar. */
export async function processAvatar(bytes: Buffer, crop: AvatarCropChoice): Promise<AvatarResult> {
  if (bytes.length > AVATAR_MAX_BYTES) return refuse('too-large');
  const type = sniff(bytes);
  if (type === 'other-image') return refuse('unsupported-type');
  if (type === 'unknown') return refuse('not-an-image');

  // Header only: no pixel is decoded here, so the pixel limit is ours to apply.
  let header: sharp.Metadata;
  try {
    header = await sharp(bytes, { ...decodeOptions, limitInputPixels: false }).metadata();
  } catch {
    return refuse('not-an-image');
  }
  if (header.format !== type) return refuse('not-an-image');
  if (!header.width || !header.height) return refuse('not-an-image');
  if (header.width * header.height > AVATAR_MAX_PIXELS) return refuse('too-many-pixels');

  const { width, height } = header.autoOrient; // as the member sees it, after EXIF orientation
  const square = crop === undefined || crop === 'centre' ? centredSquare(width, height)
    : typeof crop === 'function' ? crop({ width, height }) : crop;
  if (!fitsInside(square, width, height)) return refuse('bad-crop');

  try {
    const image = await sharp(bytes, { ...decodeOptions, limitInputPixels: AVATAR_MAX_PIXELS })
      .rotate() // apply EXIF orientation first, so the crop is in the coordinates the member chose
      .extract({ left: square.x, top: square.y, width: square.size, height: square.size })
      .resize(AVATAR_SIZE, AVATAR_SIZE)
      .webp({ quality: WEBP_QUALITY }) // no withMetadata(): EXIF, XMP and ICC are all dropped
      .toBuffer();
    return { ok: true, image, contentType: 'image/webp' };
  } catch {
    return refuse('not-an-image'); // the header was fine but the pixel data is not
  }
}

function centredSquare(width: number, height: number): AvatarCrop {
  const size = Math.min(width, height);
  return { x: Math.floor((width - size) / 2), y: Math.floor((height - size) / 2), size };
}

function fitsInside(crop: AvatarCrop, width: number, height: number): boolean {
  const { x, y, size } = crop;
  if (![x, y, size].every(Number.isSafeInteger)) return false;
  return x >= 0 && y >= 0 && size >= 1 && x + size <= width && y + size <= height;
}

const refuse = (reason: AvatarRefusal): AvatarResult => ({ ok: false, reason });
