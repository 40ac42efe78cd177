import { Router, type Request, type Response } from 'express';
import type { Database } from '../../migrations/database.js';
import type { PortalUnion } from '../config.js';
import { csrfMatches, csrfToken, refuseForm, requireCsrf } from '../http/security.js';
import type { PortalKey, PortalSaid } from '../i18n/text.js';
import { CROP_POSITIONS, CROP_SIZES, cropSquare, DEFAULT_CROP, parseCropChoice, type CropChoice } from '../profile/avatar-crop.js';
import { processAvatar } from '../profile/avatar-image.js';
import { readUpload } from '../profile/avatar-upload.js';
import { oneAtATime } from '../profile/one-at-a-time.js';
import { auditProfile } from '../profile/profile-audit.js';
import { deleteAvatar, findAvatar, findProfile, saveAvatar, saveProfileText } from '../profile/profile-repository.js';
import { avatarPath } from '../profile/profile-summary.js';
import { INTRODUCTION_MAX, NICKNAME_MAX, parseProfileText, type ProfileField } from '../profile/profile-text.js';
import type { MemberSession } from '../session.js';
import { requireMember } from './home.js';

/** The notice a page shows after a save (PRG: `?saved=` names what was saved). */
const SAVED: Record<string, PortalKey> = {
  profile: 'profile.saved',
  avatar: 'profile.avatar.saved',
  'avatar-deleted': 'profile.avatar.deleted',
};

interface PageState {
  /** What the member typed, shown again with the errors. */
  typed?: { nickname: string; introduction: string };
  errors?: Array<{ field: ProfileField; said: PortalSaid }>;
  avatarError?: PortalSaid;
  crop?: CropChoice;
  notice?: PortalKey;
}

/**
 * 個人設定 (seed 004 (1)-2): the avatar, chosen and cropped on the page, and the nickname and
 * self-introduction. Only the member themself sees or changes any of it.
 */
export function profileRoutes(db: Database): Router {
  const router = Router({ mergeParams: true });
  const decode = oneAtATime();
  router.use(requireMember);

  const who = (res: Response) => ({ union: res.locals.union as PortalUnion, member: res.locals.member as MemberSession });
  const base = (res: Response) => `/u/${who(res).union.slug}/profile`;
  const audit = (req: Request, res: Response, action: `profile.${string}`, outcome: 'success' | 'failure', detail: Record<string, unknown>) =>
    auditProfile(db, req, { unionSlug: who(res).union.slug, sub: who(res).member.sub, action, outcome, detail });

  const render = async (req: Request, res: Response, status: number, state: PageState = {}) => {
    const { union, member } = who(res);
    const profile = await findProfile(db, union.slug, member.sub);
    res.status(status).render('portal/profile/index', {
      title: res.locals.t('profile.title'), brand: union.name, slug: union.slug, member, csrf: csrfToken(req), base: base(res),
      avatarUrl: profile?.hasAvatar ? avatarPath(union.slug, profile.avatarVersion) : null,
      form: state.typed ?? { nickname: profile?.nickname ?? '', introduction: profile?.introduction ?? '' },
      errors: state.errors ?? [], avatarError: state.avatarError, notice: state.notice,
      crop: state.crop ?? DEFAULT_CROP, positions: CROP_POSITIONS, sizes: CROP_SIZES,
      limits: { nickname: NICKNAME_MAX, introduction: INTRODUCTION_MAX },
    });
  };

  router.get('/', async (req, res) => {
    const saved = typeof req.query.saved === 'string' ? SAVED[req.query.saved] : undefined;
    await render(req, res, 200, { notice: saved });
  });

  router.post('/', requireCsrf, async (req, res) => {
    const result = parseProfileText(req.body ?? {});
    if (!result.ok) return render(req, res, 400, { typed: result.typed, errors: result.errors });
    const { union, member } = who(res);
    const changed = await saveProfileText(db, union.slug, member.sub, result.value);
    if (changed.length > 0) await audit(req, res, 'profile.update', 'success', { changed });
    res.redirect(303, `${base(res)}?saved=profile`);
  });

  router.post('/avatar', async (req, res) => {
    const upload = await readUpload(req);
    if (!upload.ok) {
      if (upload.reason === 'aborted') return; // the member's browser went away: nobody to answer
      return render(req, res, upload.reason === 'too-large' ? 413 : 400, { avatarError: `profile.avatar.refused.${upload.reason}` });
    }
    const { fields, files } = upload.form;
    if (!csrfMatches(req, fields.csrf)) return refuseForm(res);

    const crop = parseCropChoice(fields);
    const refuse = async (reason: string, said: PortalSaid, status = 400) => {
      await audit(req, res, 'profile.avatar.refused', 'failure', { reason });
      await render(req, res, status, { avatarError: said, crop });
    };
    if (files.length > 1 || files.some((f) => f.field !== 'avatar')) return refuse('several-files', 'profile.avatar.refused.several');
    const file = files[0];
    if (!file || file.bytes.length === 0) return render(req, res, 400, { avatarError: 'profile.avatar.refused.missing', crop });
    if (!crop) return refuse('bad-choice', 'profile.avatar.refused.choice');

    const result = await decode(() => processAvatar(file.bytes, (upright) => cropSquare(crop, upright.width, upright.height)));
    if (!result.ok) return refuse(result.reason, `profile.avatar.refused.${result.reason}`, result.reason === 'too-large' ? 413 : 400);
    const { union, member } = who(res);
    const version = await saveAvatar(db, union.slug, member.sub, result.image);
    await audit(req, res, 'profile.avatar.update', 'success', { version, crop });
    res.redirect(303, `${base(res)}?saved=avatar`);
  });

  router.post('/avatar/delete', requireCsrf, async (req, res) => {
    const { union, member } = who(res);
    const version = await deleteAvatar(db, union.slug, member.sub);
    if (version !== undefined) await audit(req, res, 'profile.avatar.delete', 'success', { version });
    res.redirect(303, `${base(res)}?saved=avatar-deleted`);
  });

  /** The member's own avatar. Never another member's: the subject comes from the session, not the URL. */
  router.get('/avatar', async (req, res) => {
    const { union, member } = who(res);
    const avatar = await findAvatar(db, union.slug, member.sub);
    if (!avatar) {
      return res.status(404).render('portal/error', {
        title: res.locals.t('common.notFoundTitle'), message: res.locals.t('profile.avatar.none'),
        brand: union.name, slug: union.slug, member, csrf: csrfToken(req),
      });
    }
    res.set({
      'Content-Type': 'image/webp',
      'Content-Disposition': 'inline; filename="avatar.webp"',
      // Kept by this browser only, and asked again each time (a 304 while unchanged): after a logout
      // on a shared computer the image is not served from a cache without the session.
      'Cache-Control': 'private, no-cache',
      ETag: `"avatar-${avatar.version}"`,
      'Last-Modified': new Date(avatar.updatedAt).toUTCString(),
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
    res.send(avatar.image); // answers 304 when the browser's copy is current
  });

  return router;
}
