import { deleteAvatar, findAvatar, findProfile, saveAvatar, saveProfileText } from '../../portal/profile/profile-repository.js';
import { profileSummary } from '../../portal/profile/profile-summary.js';
import { createPortalTestDatabase, type TestDatabase } from '../helpers/database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createPortalTestDatabase();
});
afterAll(() => database?.drop());

const db = () => database.db;

/** Bytes shaped like a WebP file, with every byte value in them: what goes in must come out exactly. */
function webpLike(seed: number): Buffer {
  const body = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7 + seed) % 256));
  const header = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBP')]);
  header.writeUInt32LE(body.length + 4, 4);
  return Buffer.concat([header, body]);
}

test('a member\'s nickname and introduction are kept per union and subject, at their full lengths', async () => {
  expect(await findProfile(db(), 'alpha', 'sub-1')).toBeUndefined();
  const nickname = 'けんぽ🐱'.repeat(5); // 20 characters (25 UTF-16 units)
  const introduction = `${'自己紹介'.repeat(99)}\n😀😀😀`; // 400 characters with a line break and emoji
  expect(await saveProfileText(db(), 'alpha', 'sub-1', { nickname, introduction })).toEqual(['nickname', 'introduction']);

  expect(await findProfile(db(), 'alpha', 'sub-1')).toMatchObject({ nickname, introduction, hasAvatar: false, avatarVersion: 0, avatarUpdatedAt: null });
  expect(await findProfile(db(), 'beta', 'sub-1')).toBeUndefined(); // the same subject in another union is someone else
  expect(await findProfile(db(), 'alpha', 'sub-2')).toBeUndefined();

  // Saving the same again changes nothing worth auditing; clearing the nickname does.
  expect(await saveProfileText(db(), 'alpha', 'sub-1', { nickname, introduction })).toEqual([]);
  expect(await saveProfileText(db(), 'alpha', 'sub-1', { nickname: null, introduction })).toEqual(['nickname']);
  expect(await findProfile(db(), 'alpha', 'sub-1')).toMatchObject({ nickname: null, introduction });
});

test('text that did not pass the form\'s checks is never stored', async () => {
  for (const text of [
    { nickname: 'あ'.repeat(21), introduction: null },
    { nickname: ' padded ', introduction: null },
    { nickname: 'x', introduction: 'い'.repeat(401) },
    { nickname: 'bell\u0007', introduction: null },
    { nickname: '', introduction: null },
  ]) {
    await expect(saveProfileText(db(), 'alpha', 'sub-bad', text)).rejects.toThrow(/parseProfileText/);
  }
  expect(await findProfile(db(), 'alpha', 'sub-bad')).toBeUndefined();
});

test('the avatar: stored byte for byte, a new version with every change, gone when deleted', async () => {
  const first = webpLike(1);
  expect(await saveAvatar(db(), 'alpha', 'sub-3', first)).toBe(1);
  expect((await findAvatar(db(), 'alpha', 'sub-3'))!.image.equals(first)).toBe(true);
  const profile = (await findProfile(db(), 'alpha', 'sub-3'))!;
  expect(profile).toMatchObject({ hasAvatar: true, avatarVersion: 1, nickname: null, introduction: null });
  expect(profile.avatarUpdatedAt).toBeGreaterThan(Date.now() - 60_000);
  expect(profile).not.toHaveProperty('avatar'); // the page's and header's reads leave the bytes in the database

  const second = webpLike(2);
  expect(await saveAvatar(db(), 'alpha', 'sub-3', second)).toBe(2);
  expect((await findAvatar(db(), 'alpha', 'sub-3'))).toMatchObject({ version: 2 });
  expect((await findAvatar(db(), 'alpha', 'sub-3'))!.image.equals(second)).toBe(true);
  expect(await profileSummary(db(), 'alpha', 'sub-3')).toEqual({ nickname: null, avatarUrl: '/u/alpha/profile/avatar?v=2' });

  // The text and the avatar are saved separately and leave each other alone.
  await saveProfileText(db(), 'alpha', 'sub-3', { nickname: 'さん', introduction: null });
  expect(await findProfile(db(), 'alpha', 'sub-3')).toMatchObject({ nickname: 'さん', hasAvatar: true, avatarVersion: 2 });

  expect(await deleteAvatar(db(), 'alpha', 'sub-3')).toBe(3);
  expect(await findAvatar(db(), 'alpha', 'sub-3')).toBeUndefined();
  expect(await findProfile(db(), 'alpha', 'sub-3')).toMatchObject({ hasAvatar: false, avatarVersion: 3, avatarUpdatedAt: null, nickname: 'さん' });
  expect(await deleteAvatar(db(), 'alpha', 'sub-3')).toBeUndefined(); // nothing left to delete
  expect(await deleteAvatar(db(), 'alpha', 'nobody')).toBeUndefined();
  expect(await findProfile(db(), 'alpha', 'nobody')).toBeUndefined();

  // A new picture after a deletion gets a URL no browser has cached.
  expect(await saveAvatar(db(), 'alpha', 'sub-3', first)).toBe(4);
  expect(await profileSummary(db(), 'alpha', 'sub-3')).toEqual({ nickname: 'さん', avatarUrl: '/u/alpha/profile/avatar?v=4' });
});

test('only the portal\'s own WebP encoding is stored, never an uploaded file of another kind', async () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
  await expect(saveAvatar(db(), 'alpha', 'sub-4', png)).rejects.toThrow(/WebP/);
  await expect(saveAvatar(db(), 'alpha', 'sub-4', Buffer.from('<svg onload="alert(1)"/>'))).rejects.toThrow(/WebP/);
  expect(await findProfile(db(), 'alpha', 'sub-4')).toBeUndefined();
});

test('two avatars saved at once both count: versions are never reused', async () => {
  const versions = await Promise.all([1, 2, 3, 4].map((n) => saveAvatar(db(), 'alpha', 'sub-5', webpLike(n))));
  expect([...versions].sort()).toEqual([1, 2, 3, 4]);
  expect((await findAvatar(db(), 'alpha', 'sub-5'))!.version).toBe(4);
});
