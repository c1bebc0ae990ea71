import { describe, expect, it } from 'vitest';
import { responseProblems } from '../helpers/openapi-validator.js';

/** The validator every integration call goes through must itself catch what it is there for. */
const json = 'application/json; charset=utf-8';
const error = (code: string, status = 400) => JSON.stringify({ error: { type: status === 404 ? 'not_found' : 'invalid_request', code, message: 'm', requestId: 'r' } });

describe('the OpenAPI response validator of the tests', () => {
  it('accepts a documented status with a body of the documented shape', () => {
    expect(responseProblems({ method: 'GET', path: '/health', status: 200, contentType: json, text: '{"status":"ok"}' })).toEqual([]);
    expect(responseProblems({ method: 'GET', path: '/v1/tenants/ten_x', status: 404, contentType: json, text: error('resource_missing', 404) })).toEqual([]);
  });

  it('refuses a status the operation does not document', () => {
    expect(responseProblems({ method: 'GET', path: '/health', status: 418, contentType: json, text: error('internal') }).join()).toMatch(/418 is not documented/);
  });

  it('refuses a body that does not match the schema', () => {
    expect(responseProblems({ method: 'GET', path: '/health', status: 200, contentType: json, text: '{"status":42}' }).join()).toMatch(/body/);
    expect(responseProblems({ method: 'GET', path: '/v1/tenants/ten_x', status: 404, contentType: json, text: '{"error":{"code":"nope"}}' }).length).toBeGreaterThan(0);
  });

  it('refuses an undocumented content type, and an empty body where one is promised', () => {
    expect(responseProblems({ method: 'GET', path: '/health', status: 200, contentType: 'text/plain', text: 'ok' }).join()).toMatch(/content type/);
    expect(responseProblems({ method: 'GET', path: '/health', status: 200, contentType: null, text: '' }).join()).toMatch(/empty body/);
  });

  it('matches path templates, and leaves unknown routes to the 404 fallback', () => {
    expect(responseProblems({ method: 'GET', path: '/v1/nowhere', status: 404, contentType: json, text: error('route_not_found', 404) })).toEqual([]);
    expect(responseProblems({ method: 'GET', path: '/v1/nowhere', status: 200, contentType: json, text: '{}' }).length).toBeGreaterThan(0);
  });
});
