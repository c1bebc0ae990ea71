import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { compilePath, toApiGatewayEvent } from '../../infra/local/api-server.js';

function request(method: string, url: string, rawHeaders: string[]): IncomingMessage {
  const message = new IncomingMessage(new Socket());
  message.method = method;
  message.url = url;
  message.httpVersion = '1.1';
  message.rawHeaders = rawHeaders;
  return message;
}

describe('path templates', () => {
  it('match API Gateway style parameters, and greedy ones', () => {
    const { pattern, names } = compilePath('/v1/tenants/{id}/api-keys');
    expect(names).toEqual(['id']);
    expect(pattern.exec('/v1/tenants/ten_1/api-keys')?.[1]).toBe('ten_1');
    expect(pattern.test('/v1/tenants/ten_1/x/api-keys')).toBe(false);
    expect(pattern.test('/v1/tenants//api-keys')).toBe(false);
    expect(compilePath('/files/{proxy+}').pattern.exec('/files/a/b.txt')?.[1]).toBe('a/b.txt');
  });

  it('treat regex characters in paths literally', () => {
    expect(compilePath('/v1/openapi.json').pattern.test('/v1/openapiXjson')).toBe(false);
  });
});

describe('HTTP request → API Gateway payload 2.0', () => {
  it('lower-cases and joins headers, splits cookies, joins repeated query values', () => {
    const event = toApiGatewayEvent(
      request('GET', '/v1/tenants?limit=5&tag=a&tag=b', ['Host', 'localhost:3000', 'X-Multi', 'one', 'x-multi', 'two', 'Cookie', 'a=1; b=2']),
      Buffer.alloc(0),
      { routeKey: 'GET /v1/tenants' },
      'req_1',
    );
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('GET /v1/tenants');
    expect(event.rawPath).toBe('/v1/tenants');
    expect(event.rawQueryString).toBe('limit=5&tag=a&tag=b');
    expect(event.queryStringParameters).toEqual({ limit: '5', tag: 'a,b' });
    expect(event.headers).toMatchObject({ host: 'localhost:3000', 'x-multi': 'one,two' });
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.requestContext).toMatchObject({ requestId: 'req_1', http: { method: 'GET', path: '/v1/tenants' }, stage: '$default' });
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('keeps a text body byte for byte (signatures are computed over it)', () => {
    const raw = '{ "b": 1,\n  "a": "é \\u00e9 🚲" }';
    const event = toApiGatewayEvent(request('POST', '/x', ['Content-Type', 'application/json']), Buffer.from(raw, 'utf8'), { routeKey: 'POST /x' }, 'r');
    expect(event.body).toBe(raw);
    expect(event.isBase64Encoded).toBe(false);
  });

  it('passes bytes that are not UTF-8 as base64, so nothing is lost', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const event = toApiGatewayEvent(request('POST', '/x', []), bytes, { routeKey: 'POST /x' }, 'r');
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').equals(bytes)).toBe(true);
  });

  it('carries the path parameters of the matched route', () => {
    const event = toApiGatewayEvent(request('GET', '/v1/tenants/ten_1', []), Buffer.alloc(0), { routeKey: 'GET /v1/tenants/{id}', pathParameters: { id: 'ten_1' } }, 'r');
    expect(event.pathParameters).toEqual({ id: 'ten_1' });
  });
});
