import type { AvatarCrop } from './avatar-image.js';

/**
 * Where the member wants the square of their avatar, chosen on the page before the image's size is
 * known: a position (which part of the picture) and a size (a share of its shorter side). The
 * page's radio buttons and select work without JavaScript; views/static/avatar-preview.js only
 * draws the same square.
 */
export const CROP_POSITIONS = ['center', 'top', 'bottom', 'left', 'right'] as const;
export type CropPosition = (typeof CROP_POSITIONS)[number];
export const CROP_SIZES = [100, 75, 50] as const;
export type CropSize = (typeof CROP_SIZES)[number];

export interface CropChoice {
  position: CropPosition;
  /** Percent of the picture's shorter side. */
  size: CropSize;
}

export const DEFAULT_CROP: CropChoice = { position: 'center', size: 100 };

/** Where the square sits in the room left beside it: 0 at the left or top edge, 1 at the right or bottom. */
const ANCHORS: Record<CropPosition, [number, number]> = {
  center: [0.5, 0.5], top: [0.5, 0], bottom: [0.5, 1], left: [0, 0.5], right: [1, 0.5],
};

/** The form's choice; a field left out takes the default, a value not offered is refused. */
export function parseCropChoice(fields: { position?: unknown; size?: unknown }): CropChoice | undefined {
  const position = CROP_POSITIONS.find((p) => p === (fields.position ?? DEFAULT_CROP.position));
  const size = CROP_SIZES.find((s) => String(s) === (fields.size ?? String(DEFAULT_CROP.size)));
  return position && size ? { position, size } : undefined;
}

/** The square, in whole pixels of the upright picture, that the choice names. */
export function cropSquare(choice: CropChoice, width: number, height: number): AvatarCrop {
  const size = Math.max(1, Math.floor((Math.min(width, height) * choice.size) / 100));
  const [across, down] = ANCHORS[choice.position];
  return { x: Math.floor((width - size) * across), y: Math.floor((height - size) * down), size };
}
