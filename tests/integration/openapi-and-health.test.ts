import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../shared/app/routes.js';
import { routeErrorsByStatus, type RouteDefinition } from '../../shared/http/route.js';
import { ErrorBody } from '../../shared/schemas/common.js';
import { sampleTenant, startTestApi, type TestApi } from '../helpers/runtime.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

describe('GET /health', () => {
  it('answers 200 {"status":"ok"} without a key', async () => {
    const response = await api.call('GET', '/health', { key: null });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'ok' });
  });
});

describe('GET /v1/openapi.json', () => {
  let document: any;
  beforeAll(async () => {
    const response = await api.call('GET', '/v1/openapi.json', { key: null });
    expect(response.status).toBe(200);
    document = response.json;
  });

  it('is an OpenAPI 3.1 document', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBeTruthy();
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('describes every route of the route table, with its parameters and errors', () => {
    for (const [name, route] of Object.entries(routes)) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${name}: ${route.method} ${route.path}`).toBeDefined();
      expect(operation.operationId).toBe(name);
      for (const status of Object.keys(route.responses)) expect(operation.responses[status]).toBeDefined();
      if (route.roles !== 'public') {
        expect(operation.security).toEqual([{ apiKey: [] }]);
        expect(operation.responses['401']).toBeDefined();
        expect(operation.responses['403']).toBeDefined();
      }
      for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
        expect(operation.parameters.some((parameter: any) => parameter.in === 'path' && parameter.name === match[1])).toBe(true);
      }
      if ('idempotent' in route && route.idempotent) {
        expect(operation.parameters.some((parameter: any) => parameter.in === 'header' && parameter.name === 'Idempotency-Key')).toBe(true);
      }
      // Every error status the route can answer, and no other: a bad path parameter is a 404, not a 400.
      const statuses = [...routeErrorsByStatus(route as RouteDefinition).keys()].map(String);
      for (const status of statuses) expect(operation.responses[status], `${name}: ${status}`).toBeDefined();
      const request = (route as { request?: { body?: unknown; query?: unknown } }).request;
      if (!request?.body && !request?.query && !(route as RouteDefinition).idempotent) expect(statuses.includes('400'), `${name}: 400`).toBe(name === 'inboundOrder');
      for (const status of Object.keys(operation.responses)) expect([...statuses, ...Object.keys(route.responses)], `${name}: ${status}`).toContain(status);
    }
  });

  it('documents the body and the signature headers of inbound orders, which the function reads itself', () => {
    const operation = document.paths['/v1/inbound/{integrationId}'].post;
    expect(JSON.stringify(operation.requestBody.content['application/json'].schema)).toContain('#/components/schemas/GenericInboundOrder');
    expect(document.components.schemas.GenericInboundOrder.required).toEqual(expect.arrayContaining(['orderId', 'dropoff']));
    const headers = operation.parameters.filter((parameter: any) => parameter.in === 'header').map((parameter: any) => parameter.name);
    expect(headers).toEqual(expect.arrayContaining(['webhook-signature', 'X-Shopify-Hmac-Sha256', 'X-WC-Webhook-Signature']));
    expect(operation.responses['401'].description).toContain('invalid_signature');
  });

  it('publishes the request schemas, unknown fields refused', () => {
    const schema = document.components.schemas.CreateTenantRequest;
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'kind', 'billingEmail', 'address']));
    expect(schema.additionalProperties).toBe(false);
    expect(document.components.schemas.Error).toBeDefined();
  });
});

describe('responses match the schemas the document publishes', () => {
  it('a created tenant, a page of tenants, a key and an error', async () => {
    const created = await api.call('POST', '/v1/tenants', { body: sampleTenant() });
    expect(routes.createTenant.responses[201].schema.safeParse(created.json).success).toBe(true);
    const listed = await api.call('GET', '/v1/tenants');
    expect(routes.listTenants.responses[200].schema.safeParse(listed.json).success).toBe(true);
    const key = await api.call('POST', `/v1/tenants/${created.json.id}/api-keys`, { body: {} });
    expect(routes.createApiKey.responses[201].schema.safeParse(key.json).success).toBe(true);
    const courier = await api.call('POST', '/v1/couriers', { body: { name: 'Sam' } });
    expect(routes.createCourier.responses[201].schema.safeParse(courier.json).success).toBe(true);
    const error = await api.call('GET', '/v1/tenants', { key: null });
    expect(ErrorBody.safeParse(error.json).success).toBe(true);
  });
});
