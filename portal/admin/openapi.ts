import type { AdminFeature } from './admin-api.js';

/** OpenAPI 3.1 description of the portal admin API, served at `/u/<slug>/admin/openapi.json`. */
export function openApiDocument(serverUrl: string, features: AdminFeature[]) {
  const paths = Object.assign({}, ...features.map((f) => f.paths));
  const schemas = Object.assign({}, ...features.map((f) => f.schemas ?? {}));
  return {
    openapi: '3.1.0',
    info: {
      title: 'kenpo-id portal administration API',
      version: '1.0.0',
      description: 'Authenticate with a client-credentials access token of this union\'s issuer for the portal: POST the '
        + 'issuer\'s token endpoint with grant_type=client_credentials, scope=portal-admin, resource=urn:kenpo-id:portal-admin '
        + '(the union\'s admin client may ask for it). Answers are English; send Accept-Language: ja for Japanese messages. '
        + 'Every call is written to the portal\'s audit log.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (RFC 9068)' } },
      responses: {
        Error: {
          description: 'an error: a stable code and a message (with the fields at fault for 400)',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', examples: ['unauthorized', 'invalid_token', 'insufficient_scope', 'validation_failed', 'not_found'] },
                message: { type: 'string' },
                details: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
              },
            },
          },
        },
        ...schemas,
      },
    },
  };
}
