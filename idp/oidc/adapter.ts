import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Database } from '../../migrations/database.js';
import type { SecretBox } from '../security/encryption.js';

const TABLE = 'oidc_models';

/** Models whose payload holds a secret (client_secret): sealed at rest. */
const SEALED_MODELS = new Set(['Client']);

interface Row {
  payload: string;
  expires_at: number | null;
  consumed_at: number | null;
}

/**
 * One table serves every oidc-provider model of every union; rows are keyed by (union, model, id),
 * so one union's provider can never read another union's sessions, codes, tokens or clients.
 */
export class KnexAdapter implements Adapter {
  constructor(
    private readonly db: Database,
    private readonly unionSlug: string,
    private readonly model: string,
    private readonly box: SecretBox,
  ) {}

  private rows() {
    return this.db(TABLE).where({ union_slug: this.unionSlug, model: this.model });
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const json = JSON.stringify(payload);
    const values = {
      payload: SEALED_MODELS.has(this.model) ? this.box.seal(json) : json,
      grant_id: payload.grantId ?? null,
      user_code: payload.userCode ?? null,
      uid: payload.uid ?? null,
      account_id: payload.accountId ?? null,
      expires_at: expiresIn ? Date.now() + expiresIn * 1000 : null,
    };
    await this.db(TABLE)
      .insert({ union_slug: this.unionSlug, model: this.model, id, ...values })
      .onConflict(['union_slug', 'model', 'id'])
      .merge(values);
  }

  private async findWhere(where: Record<string, string>): Promise<AdapterPayload | undefined> {
    const row: Row | undefined = await this.rows().where(where).first();
    if (!row || (row.expires_at !== null && row.expires_at <= Date.now())) return undefined;
    const json = SEALED_MODELS.has(this.model) ? this.box.open(row.payload) : row.payload;
    const payload = JSON.parse(json) as AdapterPayload;
    return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(row.consumed_at / 1000) };
  }

  find(id: string) {
    return this.findWhere({ id });
  }

  findByUid(uid: string) {
    return this.findWhere({ uid });
  }

  findByUserCode(userCode: string) {
    return this.findWhere({ user_code: userCode });
  }

  async consume(id: string): Promise<void> {
    await this.rows().where({ id }).update({ consumed_at: Date.now() });
  }

  async destroy(id: string): Promise<void> {
    await this.rows().where({ id }).delete();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db(TABLE).where({ union_slug: this.unionSlug, grant_id: grantId }).delete();
  }
}

/** Deletes expired artifacts; run periodically so the table does not grow without bound. */
export async function purgeExpiredModels(db: Database, now = Date.now()): Promise<number> {
  return db(TABLE).where('expires_at', '<=', now).delete();
}
