/** OpenAPI 3.1 description of the admin API, served at `<issuer>/admin/openapi.json`. */
export function openApiDocument(issuer: string) {
  const error = { $ref: '#/components/responses/Error' };
  const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
  const json = (schema: object) => ({ content: { 'application/json': { schema } } });
  const lockout = { $ref: '#/components/schemas/Lockout' };
  return {
    openapi: '3.1.0',
    info: {
      title: 'kenpo-id union administration API',
      version: '1.0.0',
      description: 'Authenticate with a client-credentials access token of this union\'s issuer with scope `admin` '
        + '(POST the token endpoint with grant_type=client_credentials, scope=admin). Every call is audited.',
    },
    servers: [{ url: `${issuer}/admin/v1` }],
    security: [{ bearer: [] }],
    paths: {
      '/members': {
        post: {
          summary: 'Create or update one member record (matched by insurer number, card symbol (記号), card number (番号) and branch number (枝番))',
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/Member' }) },
          responses: { 201: { description: 'created', ...json({ $ref: '#/components/schemas/MemberRef' }) }, 200: { description: 'updated' }, 400: error, 401: error, 403: error },
        },
      },
      '/members/import': {
        post: {
          summary: 'Create or update up to 10,000 member records in one transaction (all or nothing)',
          requestBody: { required: true, ...json({ type: 'object', required: ['members'], properties: { members: { type: 'array', items: { $ref: '#/components/schemas/Member' } } } }) },
          responses: { 200: { description: 'imported', ...json({ type: 'object', properties: { created: { type: 'integer' }, updated: { type: 'integer' }, members: { type: 'array', items: { $ref: '#/components/schemas/MemberRef' } } } }) }, 400: error, 401: error, 403: error },
        },
      },
      '/members/{memberId}': {
        get: { summary: 'Read a member record and its account', parameters: [idParam('memberId')], responses: { 200: { description: 'the member' }, 404: error } },
      },
      '/members/{memberId}/temporary-credentials': {
        post: {
          summary: 'Issue a temporary user ID and password (shown once; earlier ones stop working)',
          parameters: [idParam('memberId')],
          responses: { 201: { description: 'issued', ...json({ type: 'object', properties: { accountId: { type: 'string' }, temporaryUserId: { type: 'string' }, temporaryPassword: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } } }) }, 404: error },
        },
      },
      '/accounts': {
        get: { summary: 'Find an account by user ID', parameters: [{ name: 'user_id', in: 'query', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'matching accounts (zero or one)', ...json({ type: 'object', properties: { accounts: { type: 'array', items: { $ref: '#/components/schemas/Account' } } } }) }, 400: error } },
      },
      '/accounts/{accountId}/lockout': {
        get: { summary: 'Read the lockout state', parameters: [idParam('accountId')], responses: { 200: { description: 'state', ...json(lockout) }, 404: error } },
      },
      '/accounts/{accountId}/unlock': {
        post: { summary: 'Unlock the account and reset its failure count', parameters: [idParam('accountId')], responses: { 200: { description: 'unlocked', ...json(lockout) }, 404: error } },
      },
      '/members/{memberId}/name': {
        put: {
          summary: 'Correct the member\'s display name (the user name (ユーザー名) is managed by the union)',
          parameters: [idParam('memberId')],
          requestBody: { required: true, ...json({ type: 'object', required: ['nameKanji'], properties: { nameKanji: { type: 'string' }, nameKana: { type: 'string' } } }) },
          responses: { 200: { description: 'renamed' }, 400: error, 404: error },
        },
      },
      '/accounts/{accountId}/credentials': {
        get: { summary: 'List the account\'s second factors (no secrets) and `recoveryCodesRemaining`, the unused recovery codes (0 when none were generated)', parameters: [idParam('accountId')], responses: { 200: { description: 'credentials' }, 404: error } },
      },
      '/accounts/{accountId}/mfa/reset': {
        post: { summary: 'Lost phone: remove passkeys, authenticator apps and recovery codes, forget the chosen method, end all sessions; the member sets up a method at the next login and is mailed a notice (from info@) with a link to report the reset as not theirs', parameters: [idParam('accountId')], responses: { 200: { description: 'reset' }, 404: error } },
      },
      '/accounts/{accountId}/sessions': {
        get: { summary: 'List the account\'s IdP sessions', parameters: [idParam('accountId')], responses: { 200: { description: 'sessions' }, 404: error } },
        delete: { summary: 'End every session and revoke the tokens they issued', parameters: [idParam('accountId')], responses: { 204: { description: 'ended' }, 404: error } },
      },
      '/accounts/{accountId}/devices': {
        get: { summary: 'List the browsers trusted for the lockout (where the member completed a login): they keep their own failure count', parameters: [idParam('accountId')], responses: { 200: { description: 'devices' }, 404: error } },
        delete: { summary: 'Forget every trusted browser of the account (they count as unknown browsers again)', parameters: [idParam('accountId')], responses: { 204: { description: 'forgotten' }, 404: error } },
      },
      '/migrated-accounts': {
        post: {
          summary: 'Bring up to 200 members of the old service over with their user IDs; their initial password is the card symbol (記号) + card number (番号) + birthdate (YYYYMMDD) and must be changed at first login',
          requestBody: { required: true, ...json({ type: 'object', required: ['accounts'], properties: { accounts: { type: 'array', items: { type: 'object', required: ['insurerNumber', 'kigo', 'bango', 'userId'], properties: { insurerNumber: { type: 'string' }, kigo: { type: 'string' }, bango: { type: 'string' }, edaban: { type: 'string', default: '00' }, userId: { type: 'string' }, email: { type: 'string' } } } } } }) },
          responses: { 200: { description: 'migrated' }, 400: error },
        },
      },
      '/terms': {
        get: { summary: 'The current terms of use', responses: { 200: { description: 'terms', ...json({ $ref: '#/components/schemas/Terms' }) }, 404: error } },
        post: {
          summary: 'Publish a new version of the terms; every member must accept it at their next login before any app gets a code',
          requestBody: { required: true, ...json({ type: 'object', required: ['title', 'body'], properties: { title: { type: 'string' }, body: { type: 'string' } } }) },
          responses: { 201: { description: 'published', ...json({ $ref: '#/components/schemas/Terms' }) }, 400: error },
        },
      },
      '/postcards': {
        post: {
          summary: 'Postcard batch: new temporary credentials for up to 1,000 members (all or nothing; earlier pairs stop working), returned once as a zip of postcards.pdf (one 100×148 mm postcard per page: 「Webサービスのご案内」, the union URL with its QR code, 仮ユーザID, 仮パスワード, 有効期限) and postcards.csv for a print shop (UTF-8 with BOM, CRLF; 記号,番号,氏名,氏名カナ,仮ユーザID,仮パスワード,有効期限,URL)',
          requestBody: { required: true, ...json({ type: 'object', required: ['memberIds'], additionalProperties: false, properties: { memberIds: { type: 'array', minItems: 1, maxItems: 1000, uniqueItems: true, items: { type: 'string', format: 'uuid' } } } }) },
          responses: {
            200: {
              description: 'issued; the file is named postcards-<slug>-<yyyymmdd>.zip (Content-Disposition). With `Accept: application/x-ndjson` the answer streams instead, one JSON object a line: `progress` lines (phase `hashing`, then `writing`, then `rendering`, each with done/total, at most every 0.5 s per phase) and last either `result` (the zip, base64) or `error` (nothing was issued). Validation errors still come as 400 before the stream starts; an admin client that disconnects before the files are ready issues nothing.',
              content: {
                'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } },
                'application/x-ndjson': {
                  schema: {
                    oneOf: [
                      { type: 'object', required: ['type', 'phase', 'done', 'total'], properties: { type: { const: 'progress' }, phase: { type: 'string', enum: ['hashing', 'writing', 'rendering'] }, done: { type: 'integer' }, total: { type: 'integer' } } },
                      { type: 'object', required: ['type', 'filename', 'contentType', 'zipBase64'], properties: { type: { const: 'result' }, filename: { type: 'string' }, contentType: { const: 'application/zip' }, zipBase64: { type: 'string', contentEncoding: 'base64' } } },
                      { type: 'object', required: ['type', 'error'], properties: { type: { const: 'error' }, error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } } },
                    ],
                  },
                },
              },
            },
            400: error, 401: error, 403: error,
          },
        },
      },
      '/clients/{clientId}/backchannel-deliveries': {
        get: {
          summary: 'The client\'s back-channel logout deliveries (the outbox), newest first: status pending/delivered/abandoned, attempts, next attempt, last error',
          parameters: [{ name: 'clientId', in: 'path', required: true, schema: { type: 'string' } }, { name: 'status', in: 'query', schema: { type: 'string', enum: ['pending', 'delivered', 'abandoned'] } }, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } }],
          responses: { 200: { description: 'deliveries, newest first' }, 404: error },
        },
      },
      '/keys': {
        get: { summary: 'The issuer\'s signing keys, newest first: state next (published, not yet signing), signing, previous (published, verifying what it signed) or retired (no longer published), with when each starts signing and leaves the JWKS', responses: { 200: { description: 'keys', ...json({ type: 'object', properties: { keys: { type: 'array', items: { $ref: '#/components/schemas/SigningKey' } } } }) } } },
      },
      '/keys/rotate': {
        post: {
          summary: 'Rotate the signing key: a new key is published in the JWKS now and starts signing after publishSeconds (default 3600, at least 90: longer than relying parties cache the JWKS); the signing key stays published retireAfterSeconds longer (default the union\'s longest IdP session, since relying parties keep ID tokens as logout hints; at least 600, the longest token lifetime). Every IdP process follows within seconds, without a restart. One rotation at a time: 409 rotation_pending while a key is next',
          requestBody: { required: true, ...json({ type: 'object', additionalProperties: false, properties: { publishSeconds: { type: 'integer', minimum: 90, maximum: 2592000 }, retireAfterSeconds: { type: 'integer', minimum: 600, maximum: 31536000 } } }) },
          responses: { 201: { description: 'scheduled', ...json({ type: 'object', properties: { next: { $ref: '#/components/schemas/SigningKey' }, previous: { $ref: '#/components/schemas/SigningKey' } } }) }, 400: error, 409: error },
        },
      },
      '/audit': {
        get: { summary: 'Read the newest audit entries', parameters: [{ name: 'target', in: 'query', schema: { type: 'string' } }, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } }], responses: { 200: { description: 'entries, newest first' } } },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      responses: {
        Error: { description: 'An error: `code` is stable; `message` (and each detail\'s) is English, or Japanese when the request says `Accept-Language: ja`', ...json({ type: 'object', properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', enum: ['validation_failed', 'invalid_body', 'payload_too_large', 'unauthorized', 'invalid_token', 'insufficient_scope', 'not_found', 'rotation_pending', 'server_error'] }, message: { type: 'string' }, details: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } } } } } }) },
      },
      schemas: {
        Member: {
          type: 'object',
          required: ['insurerNumber', 'kigo', 'bango', 'nameKanji', 'nameKana', 'birthdate', 'relation'],
          additionalProperties: false,
          properties: {
            insurerNumber: { type: 'string', pattern: '^\\d{8}$', description: 'Insurer number (保険者番号); must be this union\'s' },
            kigo: { type: 'string', maxLength: 32, description: 'Card symbol (記号)' },
            bango: { type: 'string', maxLength: 32, description: 'Card number (番号)' },
            edaban: { type: 'string', pattern: '^\\d{2}$', default: '00', description: 'Branch number (枝番)' },
            nameKanji: { type: 'string', maxLength: 100, description: 'Name in kanji (氏名)' },
            nameKana: { type: 'string', maxLength: 100, description: 'Name in full-width katakana (氏名カナ)' },
            birthdate: { type: 'string', description: 'YYYYMMDD or YYYY-MM-DD' },
            relation: { type: 'string', enum: ['本人', '家族'] },
          },
        },
        SigningKey: {
          type: 'object',
          properties: {
            kid: { type: 'string' },
            state: { type: 'string', enum: ['next', 'signing', 'previous', 'retired'] },
            createdAt: { type: 'string', format: 'date-time' },
            activatesAt: { type: 'string', format: 'date-time' },
            retiresAt: { type: ['string', 'null'], format: 'date-time' },
          },
        },
        Terms: { type: 'object', properties: { version: { type: 'integer' }, title: { type: 'string' }, body: { type: 'string' }, publishedAt: { type: 'integer' } } },
        MemberRef: { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, created: { type: 'boolean' } } },
        Account: {
          type: 'object',
          properties: {
            id: { type: 'string', format: 'uuid' }, memberId: { type: 'string', format: 'uuid' },
            userId: { type: ['string', 'null'] }, email: { type: ['string', 'null'] }, lockout: lockout,
            attentionRequestedAt: {
              type: ['string', 'null'], format: 'date-time',
              description: 'When the member used the "If this was not you" (お心当たりがない場合) link of a factor-change notice: every session was ended and the union should contact the member. Null otherwise.',
            },
          },
        },
        Lockout: { type: 'object', properties: { locked: { type: 'boolean' }, failedAttempts: { type: 'integer' }, threshold: { type: 'integer' }, lockedAt: { type: ['integer', 'null'] } } },
      },
    },
  };
}
