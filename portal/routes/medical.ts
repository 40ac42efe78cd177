import { Router, type Request, type Response } from 'express';
import type { PortalUnion } from '../config.js';
import { buildDownload, contentDisposition, DOWNLOAD_KINDS, DownloadRefused, isDownloadKind } from '../exports/downloads.js';
import { loadXmlSigner } from '../exports/xml-signature.js';
import { csrfToken } from '../http/security.js';
import type { MedicalAccess } from '../medical/access-token.js';
import { parseClaimFilter, periodTitle } from '../medical/claim-filter.js';
import { householdKey, loadStatement } from '../medical/claims-repository.js';
import { viewFormat } from '../medical/format.js';
import { auditMedical } from '../medical/medical-audit.js';
import { loadMedicalSummary, loadPatientChoices } from '../medical/medical-summary.js';
import { isServiceMonth, monthPeriod, monthsOf, viewingWindow, yearPeriod, type Period } from '../medical/period.js';
import { requireMedicalToken, type MedicalGateDeps } from '../medical/require-medical-token.js';
import { sumClaims } from '../medical/totals.js';
import type { PortalSaid } from '../i18n/text.js';
import type { MemberSession } from '../session.js';

interface PageContext {
  union: PortalUnion;
  member: MemberSession;
  access: MedicalAccess;
}

const contextOf = (res: Response): PageContext => ({
  union: res.locals.union as PortalUnion,
  member: res.locals.member as MemberSession,
  access: res.locals.medical as MedicalAccess,
});

/** 医療費情報: summary, month and year statements and the filter; every view is audited. */
export function medicalRoutes(deps: MedicalGateDeps): Router {
  const { db } = deps;
  const now = () => new Date();
  const router = Router({ mergeParams: true });
  router.use(requireMedicalToken(deps));

  const render = (req: Request, res: Response, view: string, locals: object) => {
    const { union, member } = contextOf(res);
    res.render(`portal/medical/${view}`, {
      brand: union.name, slug: union.slug, member, csrf: csrfToken(req), fmt: viewFormat(res.locals.text), base: `/u/${union.slug}/medical`, ...locals,
    });
  };
  const audit = (req: Request, res: Response, action: string, detail: Record<string, unknown>) => {
    const { union, access } = contextOf(res);
    return auditMedical(db, req, {
      unionSlug: union.slug, sub: access.sub, household: householdKey(access.household), action, outcome: 'success',
      detail: { ...detail, viewer: access.household.edaban },
    });
  };
  const refuse = (req: Request, res: Response, said: PortalSaid) =>
    render(req, res.status(400), 'refused', { title: res.locals.t('medical.title'), message: res.locals.text.say(said) });
  /** A statement's title: `2025年3月の医療費明細`. */
  const statementTitle = (res: Response, period: Period) => res.locals.t('medical.statementTitle', { period: res.locals.text.say(periodTitle(period)) });

  router.get('/', async (req, res) => {
    const { union, access } = contextOf(res);
    const summary = await loadMedicalSummary(db, union.slug, access.household, now());
    await audit(req, res, 'medical.view.summary', { period: summary.window });
    render(req, res, 'index', { title: res.locals.t('medical.title'), summary, downloadYears: summary.years.map((y) => y.year) });
  });

  /** The viewer's statement; the household comes from the verified token, never from the request. */
  const statementFor = (res: Response, period: Period, edaban?: string) => {
    const { union, access, member } = contextOf(res);
    return loadStatement(db, union, access.household, period, {
      edaban, fallbackName: access.household.relation === '本人' ? member.name : undefined, now: now(),
    });
  };

  const showStatement = async (req: Request, res: Response, period: Period, action: string, extra: object = {}) => {
    const statement = await statementFor(res, period);
    await audit(req, res, action, { period });
    render(req, res, 'statement', {
      title: statementTitle(res, period), statement, totals: sumClaims(statement.claims), ...extra,
    });
  };

  router.get('/months/:month', async (req, res) => {
    const window = viewingWindow(now());
    const month = req.params.month as string;
    if (!isServiceMonth(month) || month < window.from || month > window.to) {
      return refuse(req, res, { key: 'filter.monthOutOfWindow', params: { from: window.from, to: window.to } });
    }
    await showStatement(req, res, monthPeriod(month), 'medical.view.month', { year: Number(month.slice(0, 4)) });
  });

  router.get('/years/:year', async (req, res) => {
    const window = viewingWindow(now());
    const year = Number(req.params.year);
    if (!/^\d{4}$/.test(req.params.year as string) || !window.years.includes(year)) {
      return refuse(req, res, { key: 'filter.yearOutOfWindow', params: { from: window.years.at(-1)!, to: window.years[0] } });
    }
    await showStatement(req, res, yearPeriod(year), 'medical.view.year', {
      year, downloads: DOWNLOAD_KINDS, unsigned: !loadXmlSigner(contextOf(res).union.slug),
    });
  });

  router.get('/download/:kind', async (req, res) => {
    const { union } = contextOf(res);
    const window = viewingWindow(now());
    const year = Number(req.query.year);
    if (!isDownloadKind(req.params.kind) || !window.years.includes(year)) {
      return refuse(req, res, { key: 'filter.downloadYear', params: { from: window.years.at(-1)!, to: window.years[0] } });
    }
    const statement = await statementFor(res, yearPeriod(year));
    let file;
    try {
      file = await buildDownload(req.params.kind, statement, union.slug);
    } catch (err) {
      if (err instanceof DownloadRefused) return refuse(req, res, err.said);
      throw err;
    }
    await audit(req, res, `medical.download.${req.params.kind}`, { period: statement.period, claims: statement.claims.length });
    res.set({ 'Content-Type': file.contentType, 'Content-Disposition': contentDisposition(file), 'Cache-Control': 'no-store' });
    res.send(file.body);
  });

  router.get('/search', async (req, res) => {
    const { union, access } = contextOf(res);
    const window = viewingWindow(now());
    const patients = await loadPatientChoices(db, union.slug, access.household);
    const result = parseClaimFilter(req.query, window, patients.map((p) => p.edaban));
    const form = {
      title: res.locals.t('filter.title'), months: monthsOf(window).reverse(), patients, query: req.query,
      defaults: { from: `${window.to.slice(0, 4)}-01`, to: window.to },
    };
    if (result.state !== 'valid') {
      return render(req, res.status(result.state === 'invalid' ? 400 : 200), 'search', { ...form, errors: result.state === 'invalid' ? result.errors : [] });
    }
    const { filter } = result;
    const statement = await statementFor(res, { from: filter.from, to: filter.to }, filter.edaban);
    await audit(req, res, 'medical.view.search', { period: { from: filter.from, to: filter.to }, patient: filter.edaban ?? null });
    render(req, res, 'search', {
      ...form, errors: [], statement, totals: sumClaims(statement.claims), resultTitle: statementTitle(res, filter),
    });
  });

  return router;
}
