import type { CatalogueOf } from '../../i18n/catalogue.js';
import type { CareCategory } from '../medical/model.js';
import type { FilterEnd, PortalCatalogue } from './ja.js';
import { messageTime } from '../messages/message-text.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const monthName = (month: string) => MONTHS[Number(month.slice(5, 7)) - 1];
/** `2025-03` → `March 2025` */
const monthLabel = (month: string) => `${monthName(month)} ${month.slice(0, 4)}`;
const YEN = new Intl.NumberFormat('en-US');
const CARE: Record<CareCategory, string> = { 入院: 'Inpatient', 通院: 'Outpatient', 歯科: 'Dental', 調剤: 'Pharmacy' };
const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
const FILTER_LABEL: Record<FilterEnd, string> = { from: 'Month of treatment (from)', to: 'Month of treatment (to)' };

/**
 * The portal's English, for members of a Japanese health insurance union who read English. The
 * downloads stay Japanese (tax documents); the page says so where it offers them.
 */
export const en: CatalogueOf<PortalCatalogue> = {
  // ── common ──
  'common.languageSwitch': 'Language',
  'common.portalTitle': 'Health insurance union portal',
  'common.noUnions': 'No health insurance union has been set up yet. Please contact the operator.',
  'common.chooseUnion': 'Please choose your health insurance union.',
  'common.errorTitle': 'Error',
  'common.notFoundTitle': 'Page not found',
  'common.notFound': 'Page not found. Please check the URL.',
  'common.formExpired': 'This form has expired. Please reload the page and try again.',
  'common.tooLarge': 'What you sent is too large.',
  'common.badRequest': 'The request could not be processed.',
  'common.serverError': 'A server error occurred. Please try again in a little while.',
  'common.loginAgain': 'Log in again',
  'common.backToTop': 'Back to the portal',

  // ── member ──
  'member.menu': 'Member menu',
  'member.name': (p) => p.name,
  'member.account': 'Account settings',
  'member.logout': 'Log out',
  'member.homeTitle': 'Home',
  'member.welcome': (p) => `Welcome, ${p.name}`,
  'member.services': 'Services',

  // ── auth ──
  'auth.loginExpired': 'Your login has expired. Please log in again.',
  'auth.deniedTitle': 'Login cancelled',
  'auth.deniedTerms': 'Login was cancelled because the terms of use were not accepted. To use the portal, log in again and accept the terms of use.',
  'auth.denied': 'Login was cancelled. To use the portal, please log in again.',
  'auth.failed': 'Login failed. Please try again.',
  'auth.stepUpTitle': 'Two-step verification required',
  'auth.stepUp': 'This union shows medical expenses only after a login with two-step verification. Please set up a second login method (two-step verification), then log in again.',
  'auth.loggedOutTitle': 'You have logged out',
  'auth.thanks': 'Thank you for using the portal.',

  // ── medical ──
  'medical.title': 'Medical expenses',
  'medical.yen': (p) => `¥${YEN.format(p.amount)}`,
  'medical.month': (p) => monthLabel(p.month),
  'medical.monthOfYear': (p) => monthName(p.month),
  'medical.year': (p) => String(p.year),
  'medical.care': (p) => `${CARE[p.category]} / ${p.category === '調剤' ? plural(p.days, 'time', 'times') : plural(p.days, 'day', 'days')}`,
  'medical.period.range': (p) => `${monthLabel(p.from)} – ${monthLabel(p.to)}`,
  'medical.statementTitle': (p) => `Medical expenses for ${p.period}`,
  'medical.delayNote': 'Medical expenses usually appear here about three months after treatment, sometimes later, depending on when the medical institution sends its claim.',
  'medical.latestHeading': 'Your latest copayments',
  'medical.treatedInMonth': (p) => `Treatment in ${monthLabel(p.month)}`,
  'medical.noData': 'Nothing to show yet.',
  'medical.seeMonth': (p) => ` (see the statement for ${monthLabel(p.month)})`,
  'medical.thisYearHeading': 'Your copayments this year',
  'medical.treatedInYear': (p) => `Treatment in ${p.year}`,
  'medical.seeYearHidden': (p) => ` (see the statement for ${p.year})`,
  'medical.thisYearEmpty': 'No medical expenses for this year yet.',
  'medical.historyHeading': 'Your copayments in past years',
  'medical.yearTotal': 'Copayments',
  'medical.yearEmpty': 'No medical expenses in this year.',
  'medical.monthStatement': (p) => ` (statement for ${monthLabel(p.month)})`,
  'medical.seeYear': (p) => `See the statement for ${p.year}`,
  'medical.deductionHeading': 'For the medical expense deduction',
  'medical.deductionText': 'Choose a year to see its statement and its downloads: PDF, CSV, the tax office\'s medical expense form and XML for e-Tax.',
  'medical.deductionYear': (p) => String(p.year),
  'medical.backToSummary': 'Back to medical expenses',
  'medical.yearAndDownloads': (p) => `Statement and downloads for ${p.year}`,
  'medical.unavailableTitle': 'Not available right now',
  'medical.unavailable': 'Medical expenses cannot be shown right now. Please try again in a little while.',

  // ── statement ──
  'statement.paidHeading': 'What you paid',
  'statement.insurer': 'Insurer',
  'statement.insurerNumber': (p) => `, insurer number (保険者番号) ${p.number}`,
  'statement.insured': 'Insured person',
  'statement.empty': 'No medical expenses in this period.',
  'statement.month': 'Month of treatment',
  'statement.patient': 'Patient',
  'statement.facility': 'Medical institution',
  'statement.care': 'Type of care / days (times)',
  'statement.totalCost': 'Total medical cost',
  'statement.breakdown': 'Who paid',
  'statement.insurerPaid': 'Paid by insurer',
  'statement.publicPaid': 'Public subsidy',
  'statement.selfPaid': 'Your copayment',
  'statement.note': 'Remarks',
  'statement.total': 'Total',
  'statement.notesHeading': 'How to read this statement',
  'statement.notes.rows': 'Each row covers one month of treatment at one medical institution.',
  'statement.notes.uninsured': 'Costs not covered by insurance (such as a private room or private dental treatment) are not included.',
  'statement.notes.subsidy': 'If your city or town subsidises your medical costs, the subsidy may appear under "Your copayment".',
  'statement.notes.rounding': 'Because of rounding and claim reviews, copayments may differ from what you actually paid.',
  'statement.notes.facility': 'A medical institution\'s name is shown only when the claim data includes it.',
  'statement.notes.deduction': 'For your tax return (medical expense deduction), use the e-Tax XML or the medical expense form you can download from a year\'s statement.',

  // ── downloads ──
  'downloads.heading': (p) => `Downloads for ${p.year}`,
  'downloads.text': (p) => `Download your statement of treatment in ${p.year} for your tax return or your records. The files are in Japanese, as the tax office expects them.`,
  'downloads.pdf': 'Medical expense statement (PDF)',
  'downloads.csv': 'Medical expense notice data (CSV)',
  'downloads.xlsx': 'Medical expense form of the tax office (Excel)',
  'downloads.xml': 'Medical expense notice data (e-Tax XML)',
  'downloads.unsigned': 'This file does not carry the insurer\'s digital signature. To attach it to e-Tax as a medical expense notice, you need data signed by your health insurance union.',
  'downloads.household': 'The notice data covers everyone in your household registered here: please make sure your family agree before you use it. It contains what is registered when you download it, so your most recent treatment may be missing.',
  'downloads.tooManyRows': (p) => `The medical expense form takes at most ${p.max} rows (this period has ${p.count}). Please use the CSV or the PDF.`,
  'downloads.amountOutOfRange': (p) => `An amount does not fit the medical expense form (${p.month}: ¥${YEN.format(p.amount)}).`,

  // ── filter ──
  'filter.title': 'Filter by month of treatment and patient',
  'filter.label': (p) => FILTER_LABEL[p.end],
  'filter.everyone': 'Everyone',
  'filter.submit': 'Show',
  'filter.checkInput': 'Please check what you entered.',
  'filter.noMatch': 'No medical expenses match.',
  'filter.required': (p) => `Please choose the ${FILTER_LABEL[p.end].toLowerCase()}.`,
  'filter.format': (p) => `Give the ${FILTER_LABEL[p.end].toLowerCase()} as a year and month, such as "2025-01".`,
  'filter.outOfWindow': (p) => `The ${FILTER_LABEL[p.end].toLowerCase()} must be between ${monthLabel(p.from)} and ${monthLabel(p.to)}.`,
  'filter.order': 'The end month must be the same as the start month or later.',
  'filter.patient': 'Please choose a patient from the list.',
  'filter.monthOutOfWindow': (p) => `Please choose a month of treatment between ${monthLabel(p.from)} and ${monthLabel(p.to)}.`,
  'filter.yearOutOfWindow': (p) => `Please choose a year of treatment between ${p.from} and ${p.to}.`,
  'filter.downloadYear': (p) => `Please choose a year to download between ${p.from} and ${p.to}.`,

  // ── admin ──
  'admin.error.unauthorized': 'A Bearer access token is required.',
  'admin.error.invalidToken': 'The access token is invalid or expired.',
  'admin.error.insufficientScope': 'The access token lacks the portal-admin scope.',
  'admin.error.unavailable': 'The issuer\'s signing keys cannot be fetched right now; please try again shortly.',
  'admin.error.internal': 'An internal error occurred.',
  'admin.error.validation': 'The request has invalid fields; see details.',
  'admin.error.tooLarge': 'The request body is too large.',
  'admin.error.expectedJson': 'Expected application/json.',
  'admin.error.invalidJson': 'The request body is not valid JSON.',
  'admin.error.notFound': 'Not found.',
  'admin.field.required': 'is required',
  'admin.field.tooLong': (p) => `must be at most ${p.maximum} characters`,
  'admin.field.tooShort': (p) => `must be at least ${p.minimum}`,
  'admin.field.tooBig': (p) => `must be at most ${p.maximum}`,
  'admin.field.wrongType': (p) => `must be of type ${p.expected}`,
  'admin.field.notOneOf': (p) => `must be one of: ${p.values}`,
  'admin.field.unknownKeys': (p) => `unknown fields: ${p.keys}`,
  'admin.field.invalid': 'is invalid',

  // ── notices ──

  // ── mymail ──
  'mymail.title': 'My mail',
  'mymail.intro': 'Notices and important messages the union sends to you personally. If a title has the "Reply requested" label, please read it and be sure to reply.',
  'mymail.empty': 'You have no messages yet.',
  'mymail.emptyHint': 'When the union sends you a message, it appears here, newest first. The ✉ at the top of the page shows how many are new.',
  'mymail.listLabel': 'Your messages',
  'mymail.unread': 'Unread',
  'mymail.replyRequested': 'Reply requested',
  'mymail.replied': 'Replied',
  'mymail.dateTime': (p) => messageTime(p.at, 'en'),
  'mymail.received': 'Received',
  'mymail.backToList': 'Back to My mail',
  'mymail.threadHeading': 'Conversation',
  'mymail.fromUnion': 'The union',
  'mymail.fromYou': 'You',
  'mymail.replyPrompt': 'This message needs a reply. Please read it and reply in the box below.',
  'mymail.repliedNote': 'You have replied. When the union answers, this message shows as unread again.',
  'mymail.replyHeading': 'Reply',
  'mymail.replyLabel': 'Your reply',
  'mymail.replyHint': 'You can write up to 2,000 characters.',
  'mymail.counter': (p) => `${p.count} / 2,000 characters`,
  'mymail.send': 'Send',
  'mymail.sent': 'Your reply has been sent.',
  'mymail.replyEmpty': 'Please enter your reply.',
  'mymail.replyTooLong': 'Your reply must be 2,000 characters or fewer.',
  'mymail.notReplyable': 'This message cannot be replied to.',
  'mymail.headerUnread': (p) => `${p.count} unread`,
  'mymail.field.controlCharacters': 'must not contain control characters other than line breaks and tabs',
  'mymail.field.singleLine': 'must be a single line',
  'mymail.field.edaban': 'must be two digits (00 for the insured person)',

  // ── profile ──
  'profile.avatar.refused.too-large': 'The image must be 5 MB or smaller.',
  'profile.avatar.refused.not-an-image': 'This file could not be read as an image. Please choose a JPEG, PNG or WebP image.',
  'profile.avatar.refused.unsupported-type': 'This image format is not supported. Please choose a JPEG, PNG or WebP image.',
  'profile.avatar.refused.too-many-pixels': 'The image has too many pixels (40 megapixels at most). Please make it smaller and try again.',
  'profile.avatar.refused.bad-crop': 'The area to crop goes outside the image. Please choose it again.',

  // ── notifications ──

  // ── help ──

  // ── home ──
};
