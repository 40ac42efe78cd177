import { recordAudit } from '../../../audit/audit-log.js';
import { currentTerms, hasAccepted, recordAcceptance } from '../../terms/terms-repository.js';
import type { RequiredStep } from './step.js';

/** 利用規約への同意: the union's newest terms, accepted once per version (so a new version asks again). */
export const termsStep: RequiredStep = {
  name: 'terms',
  title: 'login.steps.terms.title',
  async isUnmet({ db, union, account }) {
    const terms = await currentTerms(db, union.slug);
    return Boolean(terms && !(await hasAccepted(db, account.id, terms.version)));
  },
  async render({ db, union }, { notice }) {
    return { view: 'idp/steps/terms', locals: { terms: await currentTerms(db, union.slug), notice } };
  },
  async submit({ db, union, account, ip }, form) {
    const terms = await currentTerms(db, union.slug);
    if (!terms) return { kind: 'done' };
    if (form.decision === 'decline') {
      await recordAudit(db, { unionSlug: union.slug, actor: `member:${account.id}`, action: 'terms.declined', target: account.id, outcome: 'success', ip, detail: { version: terms.version } });
      return { kind: 'stop', message: 'login.steps.terms.declined', reason: 'terms_declined' };
    }
    // The member must have read the version they accept; a newer one published meanwhile is shown instead.
    if (form.decision !== 'accept' || Number(form.version) !== terms.version) {
      return { kind: 'again', notice: 'login.steps.terms.updated' };
    }
    await recordAcceptance(db, account.id, terms.version);
    await recordAudit(db, { unionSlug: union.slug, actor: `member:${account.id}`, action: 'terms.accepted', target: account.id, outcome: 'success', ip, detail: { version: terms.version } });
    return { kind: 'done' };
  },
};
