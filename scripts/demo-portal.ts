import type { Database } from '../migrations/database.js';
import { listTiles, replaceTiles } from '../portal/home/tiles-repository.js';
import { createMessage } from '../portal/messages/message-repository.js';
import { thirdThursdayWindow } from '../portal/notices/maintenance-window.js';
import { createNotice } from '../portal/notices/notice-repository.js';

const DEMO_ADMIN = 'system:demo';

/** The next regular maintenance window (third Thursday, 19:00–22:00 JST) that has not ended. */
function nextMaintenance(now: Date) {
  for (let i = 0; ; i += 1) {
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
    const window = thirdThursdayWindow(month.getUTCFullYear(), month.getUTCMonth() + 1);
    if (window.end > now.getTime()) return window;
  }
}

/**
 * What a union would have published in its portal: a welcome notice, the next maintenance window, a
 * MY mail asking 健保 太郎 for a reply, and two tiles to other union apps. Written once; a later
 * start keeps what is there (and what the demo user changed).
 */
export async function preparePortalDemo(db: Database, unionSlug: string, taro: { kigo: string; bango: string; edaban: string }): Promise<void> {
  const now = new Date();
  if (!(await db('notices').where({ union_slug: unionSlug }).first('id'))) {
    await createNotice(db, unionSlug, {
      kind: 'news', audience: 'all', title: 'ポータルサイトを開設しました',
      body: '健康保険組合ポータルをご利用いただきありがとうございます。\n\n医療費情報、お知らせ、MYメールをいつでもご確認いただけます。ご利用方法は /u/demo/help をご覧ください。',
      publishFrom: now.getTime() - 60_000, publishTo: null, window: null,
    }, DEMO_ADMIN);
    const window = nextMaintenance(now);
    await createNotice(db, unionSlug, {
      kind: 'maintenance', audience: 'all', title: '定期メンテナンスのお知らせ',
      body: '毎月第3木曜日の19時から22時まで、システムメンテナンスのためサービスを停止します。ご不便をおかけしますが、ご理解をお願いいたします。',
      publishFrom: now.getTime() - 60_000, publishTo: window.end, window,
    }, DEMO_ADMIN);
  }
  if (!(await db('member_messages').where({ union_slug: unionSlug, ...taro }).first('id'))) {
    await createMessage(db, {
      unionSlug, card: taro, replyRequested: true, createdBy: DEMO_ADMIN,
      subject: '被扶養者の資格確認のお願い',
      body: '健保 太郎 様\n\n被扶養者の資格確認を行っております。ご家族の状況に変更がないか、このメールにご返信ください。',
    });
  }
  if ((await listTiles(db, unionSlug)).length === 0) {
    await replaceTiles(db, unionSlug, [
      { id: 'dock', labelJa: '人間ドック等予約', labelEn: 'Health check-up booking', descriptionJa: '人間ドック・健診の予約（別サイト）', descriptionEn: 'Book a check-up (another site)', url: 'https://example.jp/dock' },
      { id: 'checkup', labelJa: '健診結果照会', labelEn: 'Check-up results', descriptionJa: null, descriptionEn: null, url: 'https://example.jp/results' },
    ]);
  }
}
