import crypto from 'node:crypto';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Database } from '../../migrations/database.js';
import { forgetReads, readOnce } from '../http/request-cache.js';
import type { SecretBox } from '../security/encryption.js';

const TABLE = 'oidc_models';

/**
 * Models whose payload holds a secret: sealed at rest. Client: its client_secret; Interaction: the
 * session cookie value and its own URL (returnTo).
 */
const SEALED_MODELS = new Set(['Client', 'Interaction']);

/**
 * Models whose id is never presented as a credential keep it as the row id: a client_id is public,
 * and a Grant id only links tokens and sessions to their grant (it sits in their grant_id column and
 * payloads anyway, and no endpoint accepts it).
 */
const RAW_ID_MODELS = new Set(['Client', 'Grant']);

const idKeys = new WeakMap<SecretBox, Buffer>();

/**
 * How long a process answers Client look-ups from memory (every authorization and token request
 * needs the client). A client changed elsewhere (client:create in another process, another IdP
 * process sharing the database) is seen by every process within this bound; a change through this
 * process's adapter is seen at once.
 */
export const CLIENT_CACHE_MS = 10_000;
const clientRows = new WeakMap<Database, Map<string, { row: Promise<Row | undefined>; until: number }>>();

function clientCache(db: Database) {
  let cache = clientRows.get(db);
  if (!cache) clientRows.set(db, cache = new Map());
  return cache;
}

/**
 * The row id an instance is stored under. Every other id is a bearer secret (token values, codes, the
 * session and interaction cookies) and is kept only as HMAC-SHA256(server key, model + id), so a
 * database dump holds no usable token. Code that looks a row up by a raw id must go through this.
 */
export function storedModelId(box: SecretBox, model: string, id: string): string {
  if (RAW_ID_MODELS.has(model)) return id;
  let key = idKeys.get(box);
  if (!key) {
    key = box.deriveKey('oidc-model-id');
    idKeys.set(box, key);
  }
  return crypto.createHmac('sha256', key).update(`${model}\0${id}`).digest('base64url');
}

/** oidc-provider's payloads repeat the id as `jti`: left out of hashed rows, put back by find(). */
function withoutJti(payload: AdapterPayload): AdapterPayload {
  const copy = { ...payload };
  delete copy.jti;
  return copy;
}

interface Row {
  payload: string;
  expires_at: number | null;
  consumed_at: number | null;
}

/**
 * One table serves every oidc-provider model of every union; rows are keyed by (union, model, stored
 * id), so one union's provider can never read another union's sessions, codes, tokens or clients.
 */
export class KnexAdapter implements Adapter {
  constructor(
    private readonly db: Database,
    private readonly unionSlug: string,
    private readonly model: string,
    private readonly box: SecretBox,
  ) {}

  private get hashed(): boolean {
    return !RAW_ID_MODELS.has(this.model);
  }

  private key(id: string): string {
    return storedModelId(this.box, this.model, id);
  }

  private rows() {
    return this.db(TABLE).where({ union_slug: this.unionSlug, model: this.model });
  }

  /** Prefix of this model's remembered reads in the current request. */
  private get readKey(): string {
    return `oidc\0${this.unionSlug}\0${this.model}\0`;
  }

  /** This model's rows changed: forget what this request and (for clients) this process remembered of them. */
  private changed(storedId: string): void {
    forgetReads(this.readKey);
    if (this.model === 'Client') clientCache(this.db).delete(`${this.unionSlug}\0${storedId}`);
  }

  private readRow(where: Record<string, string>): Promise<Row | undefined> {
    const read = () => readOnce(`${this.readKey}${JSON.stringify(where)}`, async () => (await this.rows().where(where).first()) as Row | undefined);
    if (this.model !== 'Client' || !where.id) return read();
    const cache = clientCache(this.db);
    const key = `${this.unionSlug}\0${where.id}`;
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.row;
    const row = read();
    cache.set(key, { row, until: Date.now() + CLIENT_CACHE_MS });
    row.catch(() => cache.delete(key));
    return row;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const json = JSON.stringify(this.hashed ? withoutJti(payload) : payload);
    const values = {
      payload: SEALED_MODELS.has(this.model) ? this.box.seal(json) : json,
      grant_id: payload.grantId ?? null,
      user_code: payload.userCode ? storedModelId(this.box, `${this.model}.userCode`, payload.userCode) : null,
      uid: payload.uid ?? null,
      account_id: payload.accountId ?? null,
      expires_at: expiresIn ? Date.now() + expiresIn * 1000 : null,
    };
    await this.db(TABLE)
      .insert({ union_slug: this.unionSlug, model: this.model, id: this.key(id), ...values })
      .onConflict(['union_slug', 'model', 'id'])
      .merge(values);
    this.changed(this.key(id));
  }

  private async findWhere(where: Record<string, string>): Promise<AdapterPayload | undefined> {
    const row = await this.readRow(where);
    if (!row || (row.expires_at !== null && row.expires_at <= Date.now())) return undefined;
    const json = SEALED_MODELS.has(this.model) ? this.box.open(row.payload) : row.payload;
    const payload = JSON.parse(json) as AdapterPayload;
    return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(row.consumed_at / 1000) };
  }

  async find(id: string) {
    const payload = await this.findWhere({ id: this.key(id) });
    return payload && this.hashed ? { ...payload, jti: id } : payload;
  }

  /**
   * A Session by its uid (not a secret). Its raw id cannot be recovered from the row, so the payload
   * comes back without `jti`: oidc-provider only reads sessions found this way, it never saves them.
   */
  findByUid(uid: string) {
    return this.findWhere({ uid });
  }

  /** Device flow (not enabled): the user code is hashed like an id. */
  findByUserCode(userCode: string) {
    return this.findWhere({ user_code: storedModelId(this.box, `${this.model}.userCode`, userCode) });
  }

  async consume(id: string): Promise<void> {
    await this.rows().where({ id: this.key(id) }).update({ consumed_at: Date.now() });
    this.changed(this.key(id));
  }

  async destroy(id: string): Promise<void> {
    await this.rows().where({ id: this.key(id) }).delete();
    this.changed(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db(TABLE).where({ union_slug: this.unionSlug, grant_id: grantId }).delete();
    forgetModelReads(this.unionSlug); // every model's rows of the grant
  }
}

/** Rows of a union's models were deleted around the adapter (sessions ended): this request's reads of them are stale. */
export function forgetModelReads(unionSlug: string): void {
  forgetReads(`oidc\0${unionSlug}\0`);
}

/** Deletes expired artifacts; run periodically so the table does not grow without bound. */
export async function purgeExpiredModels(db: Database, now = Date.now()): Promise<number> {
  return db(TABLE).where('expires_at', '<=', now).delete();
}
