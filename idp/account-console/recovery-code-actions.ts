import { recordAudit } from '../../audit/audit-log.js';
import { announceFactorChange } from '../mfa/factor-notice.js';
import { generateRecoveryCodes, RECOVERY_CODE_COUNT } from '../mfa/recovery-codes.js';
import { SecretBox } from '../security/encryption.js';
import type { ConsoleDeps } from './actions.js';
import type { IdpText } from '../i18n/text.js';
import { formatDate } from './pages.js';

export const RECOVERY_FILE_NAME = 'kenpo-recovery-codes.txt';

/**
 * 生成する / 再生成する: a new set replaces the old one, is audited (never with the codes) and is
 * announced to the member's verified address. The codes are returned once, for this response only.
 */
export async function issueRecoveryCodes(deps: ConsoleDeps, client: { userAgent: string }): Promise<string[]> {
  const codes = await generateRecoveryCodes(deps.db, deps.account.id, { box: new SecretBox(deps.dataKey), legacyKey: deps.legacyCodeKey });
  await recordAudit(deps.db, {
    unionSlug: deps.union.slug, actor: `member:${deps.account.id}`, action: 'account.recovery_codes.generated',
    target: deps.account.id, outcome: 'success', ip: deps.ip, detail: { count: RECOVERY_CODE_COUNT },
  });
  await announceFactorChange(deps, deps.account, {
    kind: 'recovery_codes_generated', method: 'recovery_code', actor: 'member', userAgent: client.userAgent, ip: deps.ip,
  });
  return codes;
}

/**
 * The text file offered for download, in the member's language: what the codes are for and the
 * codes, UTF-8 with a BOM and CRLF so that Windows' メモ帳 shows the Japanese as well as any other editor.
 */
export function recoveryCodesFile(text: IdpText, unionName: string, issuedAt: number, codes: string[]): string {
  return `\uFEFF${[
    text.t('console.recoveryCodes.fileTitle', { union: unionName }),
    text.t('console.recoveryCodes.fileIssuedAt', { date: formatDate(text, issuedAt) }),
    '',
    text.t('console.recoveryCodes.fileUse'),
    text.t('console.recoveryCodes.fileOnce'),
    text.t('console.recoveryCodes.fileKeep'),
    '',
    ...codes,
    '',
  ].join('\r\n')}`;
}
