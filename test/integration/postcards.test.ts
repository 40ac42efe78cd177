import { jest } from '@jest/globals';
import fs from 'node:fs';
import { unzipSync } from 'fflate';
import QRCode from 'qrcode';
import { loginWithPassword } from '../../idp/accounts/password-login.js';
import { verifyPassword } from '../../idp/accounts/password-hasher.js';
import { postcardUrl } from '../../idp/admin/postcards.js';
import { adminClient, registerClient } from '../../idp/oidc/client-registry.js';
import { POSTCARD_LAYOUT } from '../../idp/postcards/pdf.js';
import { findUnion } from '../../idp/unions/union-repository.js';
import { run, tempDir } from '../helpers/cli-tools.js';
import { adminToken, memberRecord, startStack, type TestStack, type TestUnion } from '../helpers/stack.js';
import { parseCsv } from '../helpers/csv-reader.js';

let stack: TestStack;
let alpha: TestUnion;
let token: string;
const tmp = tempDir('kenpo-postcards-');

beforeAll(async () => {
  stack = await startStack();
  alpha = stack.unions.alpha;
  token = await adminToken(alpha);
});
afterAll(async () => {
  tmp.remove();
  await stack?.close();
});

const HEADER = ['記号', '番号', '氏名', '氏名カナ', '仮ユーザID', '仮パスワード', '有効期限', 'URL'];
const DAY_MS = 24 * 60 * 60 * 1000;

async function postcards(body: unknown, bearer: string | null = token) {
  return fetch(`${alpha.issuer}/admin/v1/postcards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });
}

async function createMember(union: TestUnion, overrides: Parameters<typeof memberRecord>[1] = {}) {
  const bearer = union === alpha ? token : await adminToken(union);
  const record = memberRecord(union, overrides);
  const response = await fetch(`${union.issuer}/admin/v1/members`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify(record),
  });
  return { ...record, id: (await response.json()).id as string };
}

/** "2026年5月24日": the date in Japan of an instant. */
function japaneseDate(at: number): string {
  const d = new Date(at + 9 * 60 * 60 * 1000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

const countTemporaryCredentials = async () => Number((await stack.database.db('temporary_credentials').count({ n: '*' }).first())!.n);

describe('a postcard batch', () => {
  let members: Awaited<ReturnType<typeof createMember>>[];
  let response: Response;
  let files: Record<string, Uint8Array>;
  let rows: string[][];
  let pdfFile: string;

  beforeAll(async () => {
    members = [
      await createMember(alpha, { nameKanji: '葉書 一郎', nameKana: 'ハガキ イチロウ' }),
      // A comma and quotes in the name: the CSV must quote it so the columns stay in place.
      await createMember(alpha, { nameKanji: '葉書, "二郎"', nameKana: 'ハガキ ジロウ', relation: '家族' }),
      await createMember(alpha, { nameKanji: '葉書 三子', nameKana: 'ハガキ ミツコ' }),
    ];
    response = await postcards({ memberIds: members.map((m) => m.id) });
    files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    const csv = Buffer.from(files['postcards.csv'] ?? []).toString('utf8');
    rows = parseCsv(csv.replace(/^\uFEFF/, ''));
    pdfFile = tmp.file('postcards.pdf');
    fs.writeFileSync(pdfFile, files['postcards.pdf'] ?? new Uint8Array());
  });

  test('downloads as one zip with the PDF and the CSV, never cached', () => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="postcards-alpha-\d{8}\.zip"$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(files).sort()).toEqual(['postcards.csv', 'postcards.pdf']);
  });

  test('the CSV is UTF-8 with a BOM and CRLF lines: a header, then one row per member in the order asked', () => {
    const raw = Buffer.from(files['postcards.csv']).toString('utf8');
    expect(raw.startsWith('\uFEFF記号,番号,')).toBe(true);
    expect(raw.endsWith('\r\n')).toBe(true);
    expect(raw.replaceAll('\r\n', '')).not.toMatch(/\n/);
    expect(rows[0]).toEqual(HEADER);
    expect(rows).toHaveLength(1 + members.length);
    rows.slice(1).forEach((row, i) => {
      expect(row).toHaveLength(HEADER.length);
      expect(row.slice(0, 4)).toEqual([members[i].kigo, members[i].bango, members[i].nameKanji, members[i].nameKana]);
      expect(row[4]).toMatch(/^t\d{10}$/);
      expect(row[5]).toMatch(/^[A-Za-z0-9]{12}$/);
      expect(row[7]).toBe(`${stack.portalUrl}/u/alpha/`);
    });
    expect(new Set(rows.slice(1).map((r) => r[4])).size).toBe(members.length);
  });

  test('every temporary user ID and password logs in, as the member it was printed for', async () => {
    const union = (await findUnion(stack.database.db, 'alpha'))!;
    for (const [i, row] of rows.slice(1).entries()) {
      const login = await loginWithPassword({ db: stack.database.db, mailer: stack.idp.mailer }, union, { loginId: row[4], password: row[5], ip: '127.0.0.1' });
      expect(login).toMatchObject({ ok: true, temporary: true });
      const account = await stack.database.db('accounts').where({ id: (login as { accountId: string }).accountId }).first();
      expect(account.member_id).toBe(members[i].id);
    }
  });

  test('only hashes are stored, and the expiry printed is the union\'s 90 days', async () => {
    for (const row of rows.slice(1)) {
      const stored = await stack.database.db('temporary_credentials').where({ login_id: row[4] }).first();
      expect(stored.password_hash).not.toContain(row[5]);
      expect(await verifyPassword(row[5], stored.password_hash)).toBe(true);
      expect(stored.expires_at - stored.issued_at).toBe(90 * DAY_MS);
      expect(row[6]).toBe(japaneseDate(stored.expires_at));
    }
  });


  test('the PDF has one postcard per page with the title, name, URL, temporary ID, password and expiry', () => {
    const info = run('pdfinfo', [pdfFile]).stdout;
    expect(info).toMatch(/^Pages:\s+3$/m);
    expect(info).toMatch(/^Page size:\s+283\.46\d? x 419\.52\d? pts/m); // 100 × 148 mm
    const pages = run('pdftotext', ['-layout', pdfFile, '-']).stdout.split('\f').filter((p) => p.trim());
    expect(pages).toHaveLength(3);
    pages.forEach((page, i) => {
      const flat = page.replace(/\s+/g, '');
      const [, , , , userId, password, expiry, url] = rows[i + 1];
      expect(page).toContain('Webサービスのご案内');
      expect(page).toContain('アルファ健康保険組合');
      expect(flat).toContain(`${members[i].nameKanji.replace(/\s+/g, '')}様`);
      expect(page).toMatch(new RegExp(`仮ユーザID\\s+${userId}`));
      expect(page).toMatch(new RegExp(`仮パスワード\\s+${password}`));
      expect(flat).toContain(`有効期限${expiry}`);
      expect(flat).toContain(url);
      expect(flat).toContain('初回ログイン時に生年月日の確認、メールアドレスの登録、新しいユーザID・パスワードの設定を行います。');
    });
  });

  test('the printed QR code is the URL\'s', () => {
    // Rasterise page 1 and read the module grid back where the layout puts it: every square must be
    // dark exactly where the URL's QR code (level M) has a dark module.
    const dpi = 300;
    run('pdftoppm', ['-gray', '-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', pdfFile, tmp.file('page')]);
    const pgm = fs.readFileSync(tmp.file('page.pgm'));
    const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'))!;
    const width = Number(header[1]);
    const pixels = pgm.subarray(header[0].length);
    const { modules } = QRCode.create(rows[1][7], { errorCorrectionLevel: 'M' });
    const { x, y, size } = POSTCARD_LAYOUT.qr;
    const px = (millimetres: number) => Math.round((millimetres * dpi) / 25.4);
    const step = size / modules.size;
    let mismatches = 0;
    for (let row = 0; row < modules.size; row += 1) {
      for (let col = 0; col < modules.size; col += 1) {
        const dark = pixels[px(y + (row + 0.5) * step) * width + px(x + (col + 0.5) * step)] < 128;
        if (dark !== Boolean(modules.get(row, col))) mismatches += 1;
      }
    }
    expect(mismatches).toBe(0);
    // A quiet zone of at least 4 modules on the left (the page edge side).
    expect(x).toBeGreaterThanOrEqual(4 * step);
    // And an independent reader (zbar) decodes it to the same URL.
    expect(run('zbarimg', ['-q', '--raw', tmp.file('page.pgm')]).stdout.trim()).toBe(rows[1][7]);
  });

  test('is audited with the count only, never a password', async () => {
    const entries = await stack.database.db('audit_log').where({ action: 'admin.postcards.issue', outcome: 'success' });
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0].detail)).toEqual({ count: 3, status: 200 });
    expect(entries[0].actor).toBe(`admin:${alpha.admin.clientId}`);
    const everything = JSON.stringify(await stack.database.db('audit_log'));
    for (const row of rows.slice(1)) expect(everything).not.toContain(row[5]);
  });

  test('a new batch for a member makes the earlier postcard stop working', async () => {
    const union = (await findUnion(stack.database.db, 'alpha'))!;
    const again = await postcards({ memberIds: [members[0].id] });
    expect(again.status).toBe(200);
    const [, row] = parseCsv(Buffer.from(unzipSync(new Uint8Array(await again.arrayBuffer()))['postcards.csv']).toString('utf8').slice(1));
    expect(await loginWithPassword({ db: stack.database.db, mailer: stack.idp.mailer }, union, { loginId: rows[1][4], password: rows[1][5], ip: '127.0.0.1' })).toEqual({ ok: false, reason: 'invalid' });
    expect(await loginWithPassword({ db: stack.database.db, mailer: stack.idp.mailer }, union, { loginId: row[4], password: row[5], ip: '127.0.0.1' })).toMatchObject({ ok: true });
  });
});

test('without a portal the postcard sends members to the account console, which opens the login', async () => {
  const union = (await findUnion(stack.database.db, 'alpha'))!;
  const url = postcardUrl({ ...union, policy: { ...union.policy, portalUrl: undefined } }, alpha.issuer);
  expect(url).toBe(`${alpha.issuer}/account/`);
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(303);
  expect(response.headers.get('location')?.startsWith(`${alpha.issuer}/auth?`)).toBe(true);
});

describe('refusals issue nothing', () => {
  test('an unknown member id (or another union\'s member) refuses the whole batch and names each entry', async () => {
    const known = await createMember(alpha);
    const betaMember = await createMember(stack.unions.beta);
    const before = await countTemporaryCredentials();
    const response = await postcards({ memberIds: [known.id, '00000000-0000-4000-8000-000000000000', betaMember.id] });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d: { field: string }) => d.field)).toEqual(['memberIds.1', 'memberIds.2']);
    expect(await countTemporaryCredentials()).toBe(before);
    expect(await stack.database.db('accounts').where({ member_id: known.id }).first()).toBeUndefined();
  });

  test('malformed lists are refused before anything is issued', async () => {
    const member = await createMember(alpha);
    const before = await countTemporaryCredentials();
    const fields = async (body: unknown) => {
      const response = await postcards(body);
      expect(response.status).toBe(400);
      const { error } = await response.json();
      expect(error.code).toBe('validation_failed');
      return error.details.map((d: { field: string }) => d.field);
    };
    expect(await fields({ memberIds: [] })).toEqual(['memberIds']);
    expect(await fields({ memberIds: [member.id, member.id.toUpperCase()] })).toEqual(['memberIds.1']);
    expect(await fields({ memberIds: [member.id, 'not-a-uuid'] })).toEqual(['memberIds.1']);
    expect(await fields({ memberIds: Array.from({ length: 1001 }, () => member.id) })).toContain('memberIds');
    expect(await fields({ memberIds: [member.id], extra: true })).toEqual(['(body)']);
    expect(await countTemporaryCredentials()).toBe(before);
  });

  test('if the postcards cannot be made, no credentials are issued and earlier ones keep working', async () => {
    const member = await createMember(alpha);
    const first = await postcards({ memberIds: [member.id] });
    const [, earlier] = parseCsv(Buffer.from(unzipSync(new Uint8Array(await first.arrayBuffer()))['postcards.csv']).toString('utf8').slice(1));
    const before = await countTemporaryCredentials();
    const saved = process.env.PDF_FONT_PATH;
    process.env.PDF_FONT_PATH = tmp.file('no-such-font.ttf'); // the IdP runs in this process
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const response = await postcards({ memberIds: [member.id] });
      expect(response.status).toBe(500);
      expect(logged).toHaveBeenCalledWith('[idp] admin API error', expect.objectContaining({ name: 'PdfFontError' }));
    } finally {
      logged.mockRestore();
      if (saved === undefined) delete process.env.PDF_FONT_PATH; else process.env.PDF_FONT_PATH = saved;
    }
    expect(await countTemporaryCredentials()).toBe(before);
    const union = (await findUnion(stack.database.db, 'alpha'))!;
    expect(await loginWithPassword({ db: stack.database.db, mailer: stack.idp.mailer }, union, { loginId: earlier[4], password: earlier[5], ip: '127.0.0.1' })).toMatchObject({ ok: true });
  });

  test('needs an admin token of this union', async () => {
    const member = await createMember(alpha);
    const before = await countTemporaryCredentials();
    expect((await postcards({ memberIds: [member.id] }, null)).status).toBe(401);
    expect((await postcards({ memberIds: [member.id] }, 'made-up')).status).toBe(401);
    expect((await postcards({ memberIds: [member.id] }, await adminToken(stack.unions.beta))).status).toBe(401);

    // A machine client of the same union whose token is not for the admin API.
    const other = await registerClient(stack.idp.registry, 'alpha', { ...adminClient('not an admin'), scope: undefined, kenpo_resources: [] });
    const tokenResponse = await fetch(`${alpha.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${other.clientId}:${other.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    const { access_token: nonAdmin } = await tokenResponse.json();
    expect(nonAdmin).toEqual(expect.any(String));
    const refused = await postcards({ memberIds: [member.id] }, nonAdmin);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('insufficient_scope');
    expect(await countTemporaryCredentials()).toBe(before);
    const denied = await stack.database.db('audit_log').where({ action: 'admin.POST /postcards', outcome: 'denied' });
    expect(denied.length).toBeGreaterThanOrEqual(1);
  });
});

describe('an admin client that asks for progress (Accept: application/x-ndjson)', () => {
  type Event = { type: string; phase?: string; done?: number; total?: number; filename?: string; zipBase64?: string; error?: { code: string } };
  async function streamed(memberIds: string[]) {
    const response = await fetch(`${alpha.issuer}/admin/v1/postcards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/x-ndjson', authorization: `Bearer ${token}` },
      body: JSON.stringify({ memberIds }),
    });
    const lines = (await response.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Event);
    return { response, lines };
  }

  test('sees each phase advance to the whole batch, then gets the same zip as the last line', async () => {
    const members = [await createMember(alpha), await createMember(alpha), await createMember(alpha)];
    const { response, lines } = await streamed(members.map((m) => m.id));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');

    const progress = lines.slice(0, -1);
    expect(progress.every((e) => e.type === 'progress' && e.total === 3 && e.done! <= 3)).toBe(true);
    const phases = [...new Set(progress.map((e) => e.phase))];
    expect(phases).toEqual(['hashing', 'writing', 'rendering']);
    for (const phase of phases) {
      const done = progress.filter((e) => e.phase === phase).map((e) => e.done!);
      expect(done).toEqual([...done].sort((a, b) => a - b));
      expect(done.at(-1)).toBe(3);
    }

    const result = lines.at(-1)!;
    expect(result).toMatchObject({ type: 'result', filename: expect.stringMatching(/^postcards-alpha-\d{8}\.zip$/) });
    const zip = unzipSync(new Uint8Array(Buffer.from(result.zipBase64!, 'base64')));
    const [, ...cards] = parseCsv(Buffer.from(zip['postcards.csv']).toString('utf8').slice(1));
    expect(cards.map((c) => c[1])).toEqual(members.map((m) => m.bango));
    const union = (await findUnion(stack.database.db, 'alpha'))!;
    expect(await loginWithPassword({ db: stack.database.db, mailer: stack.idp.mailer }, union, { loginId: cards[2][4], password: cards[2][5], ip: '127.0.0.1' })).toMatchObject({ ok: true });
  });

  test('a batch that fails ends with an error line and issues nothing', async () => {
    const member = await createMember(alpha);
    const before = await countTemporaryCredentials();
    const saved = process.env.PDF_FONT_PATH;
    process.env.PDF_FONT_PATH = tmp.file('no-such-font.ttf'); // the IdP runs in this process
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { response, lines } = await streamed([member.id]);
      expect(response.status).toBe(200); // the stream had begun; its last line tells the outcome
      expect(lines.at(-1)).toEqual({ type: 'error', error: { code: 'server_error', message: expect.any(String) } });
      expect(JSON.stringify(lines)).not.toMatch(/PdfFontError|no-such-font/);
    } finally {
      logged.mockRestore();
      if (saved === undefined) delete process.env.PDF_FONT_PATH; else process.env.PDF_FONT_PATH = saved;
    }
    expect(await countTemporaryCredentials()).toBe(before);
    const failures = await stack.database.db('audit_log').where({ action: 'admin.postcards.issue', outcome: 'failure' });
    expect(failures.length).toBeGreaterThanOrEqual(1);
  });
});
