import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { AVATAR_MAX_BYTES, processAvatar, type AvatarRefusal, type AvatarResult } from '../../portal/profile/avatar-image.js';
import { en } from '../../portal/i18n/en.js';
import { ja } from '../../portal/i18n/ja.js';

type Colour = { r: number; g: number; b: number };
const RED: Colour = { r: 255, g: 0, b: 0 };
const GREEN: Colour = { r: 0, g: 255, b: 0 };
const BLUE: Colour = { r: 0, g: 0, b: 255 };

/** A picture made of equal-width vertical stripes, left to right. */
async function stripes(width: number, height: number, colours: Colour[]): Promise<sharp.Sharp> {
  const stripe = Math.ceil(width / colours.length);
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const { r, g, b } = colours[Math.min(Math.floor(x / stripe), colours.length - 1)];
      raw.set([r, g, b], (y * width + x) * 3);
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } });
}

/** A photo-like fixture: smooth gradients, so it compresses like a picture rather than a flat colour. */
function photo(width: number, height: number): sharp.Sharp {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set([(x * 255) / width, (y * 255) / height, ((x + y) * 7) % 256], (y * width + x) * 3);
  }
  return sharp(raw, { raw: { width, height, channels: 3 } });
}

function accepted(result: AvatarResult): Buffer {
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  expect(result.contentType).toBe('image/webp');
  return result.image;
}

/** The average colour of the avatar, rounded to what the eye sees. */
async function colourOf(image: Buffer): Promise<Colour> {
  const { channels } = await sharp(image).stats();
  const [r, g, b] = channels.map((c) => (c.mean > 128 ? 255 : 0));
  return { r, g, b };
}

/** A PNG chunk with its CRC, as a decoder checks it. */
function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

describe('a member uploading an avatar', () => {
  test.each([
    ['JPEG', () => photo(640, 480).jpeg().toBuffer()],
    ['PNG', () => photo(300, 500).png().toBuffer()],
    ['WebP', () => photo(512, 512).webp().toBuffer()],
  ])('a %s photo becomes a 256×256 WebP', async (_type, make) => {
    const image = accepted(await processAvatar(await make(), 'centre'));
    const meta = await sharp(image).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 256, 256]);
  });

  test('the camera\'s EXIF (orientation, artist, copyright) is not served back, and the photo is shown upright', async () => {
    // Stored 40×20 with red on the left; orientation 6 shows it turned a quarter clockwise, red on top.
    const upload = await (await stripes(40, 20, [RED, BLUE])).jpeg()
      .withExif({ IFD0: { Copyright: 'Member 06130001', Artist: 'Kenpo Taro' } }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(upload).metadata()).orientation).toBe(6);

    const image = accepted(await processAvatar(upload, undefined));
    const meta = await sharp(image).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(image.includes('Kenpo Taro')).toBe(false);

    // The crop is in upright coordinates: the bottom square of the 20×40 picture is blue, the top red.
    expect(await colourOf(accepted(await processAvatar(upload, { x: 0, y: 20, size: 20 })))).toEqual(BLUE);
    expect(await colourOf(accepted(await processAvatar(upload, { x: 0, y: 0, size: 20 })))).toEqual(RED);
  });

  test('the avatar is freshly encoded: an upload that is already a 256×256 WebP is not passed through', async () => {
    const upload = await photo(256, 256).webp({ quality: 90 }).withExif({ IFD0: { Copyright: 'someone' } }).toBuffer();
    const image = accepted(await processAvatar(upload, 'centre'));
    expect(image.equals(upload)).toBe(false);
    expect(image.includes('someone')).toBe(false);
  });

  test('bytes smuggled after the image data (a script for a browser to sniff) are never served back', async () => {
    const payload = '<script>alert(document.cookie)</script>';
    const upload = Buffer.concat([await photo(300, 300).jpeg().toBuffer(), Buffer.from(payload)]);
    const image = accepted(await processAvatar(upload, 'centre'));
    expect(image.includes(payload)).toBe(false);
  });

  test('the chosen square is what the avatar shows', async () => {
    const halves = await (await stripes(200, 100, [RED, BLUE])).png().toBuffer();
    expect(await colourOf(accepted(await processAvatar(halves, { x: 100, y: 0, size: 100 })))).toEqual(BLUE);
    expect(await colourOf(accepted(await processAvatar(halves, { x: 0, y: 0, size: 100 })))).toEqual(RED);
  });

  test('without a choice, the largest centred square is used', async () => {
    const thirds = await (await stripes(300, 100, [RED, GREEN, BLUE])).png().toBuffer();
    expect(await colourOf(accepted(await processAvatar(thirds, undefined)))).toEqual(GREEN);
    expect(await colourOf(accepted(await processAvatar(thirds, 'centre')))).toEqual(GREEN);
  });

  test('an animated WebP gives a still avatar of its first frame', async () => {
    const frames = await Promise.all([RED, BLUE].map(async (c) => (await stripes(64, 64, [c])).png().toBuffer()));
    const animation = await sharp(frames, { join: { animated: true } }).webp({ loop: 0 }).toBuffer();
    expect((await sharp(animation).metadata()).pages).toBe(2);

    const image = accepted(await processAvatar(animation, 'centre'));
    expect((await sharp(image).metadata()).pages).toBeUndefined();
    expect(await colourOf(image)).toEqual(RED);
  });

  test('an image of exactly 5 MB is accepted', async () => {
    const jpeg = await photo(100, 100).jpeg().toBuffer();
    const upload = Buffer.concat([jpeg, Buffer.alloc(AVATAR_MAX_BYTES - jpeg.length)]); // padding after the image data
    expect(upload.length).toBe(5 * 1024 * 1024);
    accepted(await processAvatar(upload, 'centre'));
  });
});

describe('uploads the portal refuses, with the reason the member is shown', () => {
  const refusal = async (bytes: Buffer, crop?: Parameters<typeof processAvatar>[1]) => {
    const result = await processAvatar(bytes, crop);
    return result.ok ? 'accepted' : result.reason;
  };

  test('a text file named photo.png is not an image (the name and declared type are never consulted)', async () => {
    expect(await refusal(Buffer.from('This is not a photo, whatever its name says.\n'))).toBe('not-an-image');
    expect(await refusal(Buffer.alloc(0))).toBe('not-an-image');
  });

  test('PNG or JPEG magic numbers over garbage, or a cut-off file, are not an image', async () => {
    const png = await photo(200, 200).png().toBuffer();
    expect(await refusal(Buffer.concat([png.subarray(0, 8), Buffer.from('not really a PNG at all')]))).toBe('not-an-image');
    expect(await refusal(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(100, 0x41)]))).toBe('not-an-image');
    expect(await refusal(png.subarray(0, Math.floor(png.length / 2)))).toBe('not-an-image');
  });

  test('a GIF (or another image format) is an unsupported type', async () => {
    expect(await refusal(await photo(64, 64).gif().toBuffer())).toBe('unsupported-type');
    expect(await refusal(await photo(64, 64).tiff().toBuffer())).toBe('unsupported-type');
  });

  test('anything over 5 MB is too large, before it is looked at', async () => {
    const jpegStart = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    const upload = Buffer.concat([jpegStart, Buffer.alloc(AVATAR_MAX_BYTES + 1 - jpegStart.length)]);
    expect(upload.length).toBe(5 * 1024 * 1024 + 1);
    expect(await refusal(upload)).toBe('too-large');
  });

  test('an image bomb (a tiny PNG claiming 60000×60000 pixels) is refused from its header, quickly', async () => {
    const header = Buffer.alloc(13);
    header.writeUInt32BE(60_000, 0);
    header.writeUInt32BE(60_000, 4);
    header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no interlace
    const bomb = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', header),
      pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
      pngChunk('IEND', Buffer.alloc(0)),
    ]);
    expect(bomb.length).toBeLessThan(100);
    expect((await sharp(bomb, { limitInputPixels: false }).metadata()).width).toBe(60_000); // a well-formed header

    const started = performance.now();
    expect(await refusal(bomb)).toBe('too-many-pixels');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('a square reaching outside the image (or not a whole-pixel square) is a bad crop', async () => {
    const upload = await photo(200, 100).png().toBuffer();
    expect(await refusal(upload, { x: 100, y: 0, size: 100 })).toBe('accepted'); // touches the right edge
    for (const crop of [
      { x: 101, y: 0, size: 100 },
      { x: 0, y: 1, size: 100 },
      { x: -1, y: 0, size: 50 },
      { x: 0, y: 0, size: 0 },
      { x: 0.5, y: 0, size: 50 },
      { x: 0, y: 0, size: Number.NaN },
      { x: '0', y: 0, size: 50 } as never,
    ]) expect([crop, await refusal(upload, crop)]).toEqual([crop, 'bad-crop']);
  });

  test('every refusal has a message in Japanese and English', () => {
    const refusals: Record<AvatarRefusal, string> = {
      'too-large': '5MB',
      'not-an-image': 'JPEG、PNG、WebP',
      'unsupported-type': 'JPEG、PNG、WebP',
      'too-many-pixels': '4,000万画素',
      'bad-crop': '範囲',
    };
    for (const [code, mentions] of Object.entries(refusals) as Array<[AvatarRefusal, string]>) {
      expect(ja[`profile.avatar.refused.${code}`]).toContain(mentions);
      expect(en[`profile.avatar.refused.${code}`]).toMatch(/^[A-Z].*\.$/);
    }
    expect(ja['profile.avatar.refused.too-large']).toBe('画像のサイズは5MBまでです。');
  });
});
