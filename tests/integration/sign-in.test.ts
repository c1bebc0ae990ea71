import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession } from '../../shared/users/service.js';
import { expectError, sampleTenant, startTestApi, type TestApi } from '../helpers/runtime.js';
import { quoteBody } from '../helpers/scenario.js';

/**
 * People sign in by an e-mailed link and act through a session cookie, with the same roles and
 * tenant isolation as keys, and CSRF protection for changes. Through real HTTP into DynamoDB Local.
 */
let api: TestApi;
let tenantA: string;
let tenantB: string;

async function invite(tenantId: string, body: Record<string, unknown>, key?: string | null) {
  const response = await api.call('POST', `/v1/tenants/${tenantId}/users`, { ...(key === undefined ? {} : { key }), body });
  return response;
}

/** The sign-in link last e-mailed to `email` (the local e-mail outbox, read with the admin key). */
async function linkFor(email: string, mailbox: string): Promise<string> {
  const mails = (await api.call('GET', `/v1/hub/notifications?tenantId=${mailbox}&limit=100`)).json.data as Array<{ to: string; text: string; eventType: string; createdAt: string }>;
  const mine = mails.filter((mail) => mail.to === email && mail.eventType === 'auth.sign_in').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const token = /\/app\/sign-in#token=([A-Za-z0-9_-]{43})/.exec(mine.at(-1)?.text ?? '')?.[1];
  if (!token) throw new Error(`no sign-in link for ${email}`);
  return token;
}

async function signIn(email: string, mailbox: string): Promise<{ cookie: string; csrf: string; body: any }> {
  expect((await api.call('POST', '/v1/auth/sign-in', { key: null, body: { email } })).status).toBe(202);
  const token = await linkFor(email, mailbox);
  const opened = await api.call('POST', '/v1/auth/sessions', { key: null, body: { token } });
  expect(opened.status, opened.text).toBe(201);
  const setCookie = opened.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/^dh_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
  return { cookie: setCookie.split(';')[0] as string, csrf: opened.json.csrfToken, body: opened.json };
}

const asPerson = (session: { cookie: string; csrf?: string }, withCsrf = true) => ({
  key: null,
  headers: { cookie: session.cookie, ...(withCsrf && session.csrf ? { 'x-csrf-token': session.csrf } : {}) },
});

beforeAll(async () => {
  api = await startTestApi();
  tenantA = (await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'Ressourcerie A' }) })).json.id;
  tenantB = (await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'Épicerie B' }) })).json.id;
});

afterAll(async () => {
  await api?.stop();
});

describe('signing in by an e-mailed link', () => {
  it('answers 202 alike for an address with or without an account, and e-mails a link only to the account', async () => {
    expect((await invite(tenantA, { email: 'Benevole@Ressourcerie.example', name: 'Bénévole', tenantAdmin: true })).status).toBe(201);
    const known = await api.call('POST', '/v1/auth/sign-in', { key: null, body: { email: 'benevole@ressourcerie.example' } });
    const unknown = await api.call('POST', '/v1/auth/sign-in', { key: null, body: { email: 'nobody@nowhere.example' } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(Object.keys(known.json).sort()).toEqual(Object.keys(unknown.json).sort());
    expect(known.json.expiresInSeconds).toBe(unknown.json.expiresInSeconds);
    await expect(linkFor('benevole@ressourcerie.example', tenantA)).resolves.toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(linkFor('nobody@nowhere.example', tenantA)).rejects.toThrow();
    expectError(await api.call('POST', '/v1/auth/sign-in', { key: null, body: { email: 'not an address' } }), 400, 'parameter_invalid');
  });

  it('opens a session once per link; a reused, expired or forged link is refused', async () => {
    await invite(tenantA, { email: 'once@ressourcerie.example', name: 'Once' });
    await api.call('POST', '/v1/auth/sign-in', { key: null, body: { email: 'once@ressourcerie.example' } });
    const token = await linkFor('once@ressourcerie.example', tenantA);
    const [first, second] = await Promise.all([
      api.call('POST', '/v1/auth/sessions', { key: null, body: { token } }),
      api.call('POST', '/v1/auth/sessions', { key: null, body: { token } }),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 401]);
    expectError(await api.call('POST', '/v1/auth/sessions', { key: null, body: { token } }), 401, 'invalid_sign_in_link');
    expectError(await api.call('POST', '/v1/auth/sessions', { key: null, body: { token: 'A'.repeat(43) } }), 401, 'invalid_sign_in_link');
    expectError(await api.call('POST', '/v1/auth/sessions', { key: null, body: { token: 'short' } }), 401, 'invalid_sign_in_link');
    // Sixteen minutes later, a fresh link no longer works.
    await api.call('POST', '/v1/auth/sign-in', { key: null, body: { email: 'once@ressourcerie.example' } });
    const late = await linkFor('once@ressourcerie.example', tenantA);
    await expect(openSession(late, new Date(Date.now() + 16 * 60_000))).rejects.toMatchObject({ code: 'invalid_sign_in_link' });
  });

  it('limits sign-in requests per e-mail address', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt += 1) statuses.push((await api.call('POST', '/v1/auth/sign-in', { key: null, body: { email: 'flood@example.org' } })).status);
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});

describe('a session', () => {
  it("acts as its person, within their tenant: another tenant's data is 404, exactly as with a key", async () => {
    await invite(tenantA, { email: 'shop@a.example', name: 'Camille' });
    const session = await signIn('shop@a.example', tenantA);
    expect(session.body.user).toMatchObject({ email: 'shop@a.example', role: 'tenant', tenantId: tenantA, tenantAdmin: false });
    const me = await api.call('GET', '/v1/me', asPerson(session, false));
    expect(me.json).toMatchObject({ object: 'me', role: 'tenant', tenantId: tenantA, csrfToken: session.csrf });
    const booked = await api.call('POST', '/v1/deliveries', { ...asPerson(session), body: quoteBody() });
    expect(booked.status, booked.text).toBe(201);
    expect(booked.json.tenantId).toBe(tenantA);

    const keyB = (await api.call('POST', `/v1/tenants/${tenantB}/api-keys`, { body: {} })).json.key;
    const other = await api.call('POST', '/v1/deliveries', { key: keyB, body: quoteBody() });
    expectError(await api.call('GET', `/v1/deliveries/${other.json.id}`, asPerson(session, false)), 404, 'resource_missing');
    expectError(await api.call('GET', `/v1/tenants/${tenantB}`, asPerson(session, false)), 404, 'resource_missing');
    expectError(await api.call('GET', '/v1/tenants', asPerson(session, false)), 403, 'forbidden');
  });

  it('refuses a change made with the cookie but without its CSRF token, and writes nothing', async () => {
    await invite(tenantA, { email: 'csrf@a.example', name: 'Csrf' });
    const session = await signIn('csrf@a.example', tenantA);
    const before = (await api.call('GET', '/v1/deliveries?limit=100', asPerson(session, false))).json.data.length;
    expectError(await api.call('POST', '/v1/deliveries', { ...asPerson(session, false), body: quoteBody() }), 403, 'csrf_token_invalid');
    expectError(await api.call('POST', '/v1/deliveries', { key: null, headers: { cookie: session.cookie, 'x-csrf-token': 'forged' }, body: quoteBody() }), 403, 'csrf_token_invalid');
    expect((await api.call('GET', '/v1/deliveries?limit=100', asPerson(session, false))).json.data.length).toBe(before);
  });

  it('ends at sign-out, and when its person is removed', async () => {
    await invite(tenantA, { email: 'bye@a.example', name: 'Bye' });
    const session = await signIn('bye@a.example', tenantA);
    const out = await api.call('DELETE', '/v1/auth/session', asPerson(session));
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^dh_session=; .*Max-Age=0/);
    expectError(await api.call('GET', '/v1/me', asPerson(session, false)), 401, 'invalid_api_key');

    const again = await signIn('bye@a.example', tenantA);
    const user = (await api.call('GET', '/v1/me', asPerson(again, false))).json.user;
    expect((await api.call('DELETE', `/v1/users/${user.id}`)).status).toBe(204);
    expectError(await api.call('GET', '/v1/me', asPerson(again, false)), 401, 'invalid_api_key');
    expect((await api.call('POST', '/v1/auth/sign-in', { key: null, body: { email: 'bye@a.example' } })).status).toBe(202);
  });
});

describe('people', () => {
  it("are invited by an admin or the tenant's admin people, one account per address", async () => {
    await invite(tenantB, { email: 'boss@b.example', name: 'Boss', tenantAdmin: true });
    await invite(tenantB, { email: 'clerk@b.example', name: 'Clerk' });
    const boss = await signIn('boss@b.example', tenantB);
    const clerk = await signIn('clerk@b.example', tenantB);
    const made = await api.call('POST', `/v1/tenants/${tenantB}/users`, { ...asPerson(boss), body: { email: 'books@b.example', name: 'Compta', role: 'accountant' } });
    expect(made.status, made.text).toBe(201);
    expect(made.json).toMatchObject({ role: 'accountant', tenantId: tenantB, tenantAdmin: false });
    expectError(await api.call('POST', `/v1/tenants/${tenantB}/users`, { ...asPerson(clerk), body: { email: 'x@b.example', name: 'X' } }), 403, 'forbidden');
    expectError(await api.call('POST', `/v1/tenants/${tenantA}/users`, { ...asPerson(boss), body: { email: 'y@b.example', name: 'Y' } }), 404, 'resource_missing');
    expectError(await invite(tenantA, { email: 'BOOKS@b.example', name: 'Twice' }), 409, 'invalid_transition');
    const listed = (await api.call('GET', `/v1/tenants/${tenantB}/users`, asPerson(clerk, false))).json.data.map((user: { email: string }) => user.email);
    expect(listed.sort()).toEqual(['books@b.example', 'boss@b.example', 'clerk@b.example']);
    expectError(await api.call('GET', `/v1/tenants/${tenantA}/users`, asPerson(clerk, false)), 404, 'resource_missing');
  });

  it("include the cooperative's staff, whose sessions act for the hub", async () => {
    const made = await api.call('POST', '/v1/hub/users', { body: { email: 'compta@coop.example', name: 'Comptable', role: 'accountant' } });
    expect(made.status).toBe(201);
    const accountant = await signIn('compta@coop.example', 'hub');
    expect((await api.call('GET', '/v1/me', asPerson(accountant, false))).json).toMatchObject({ role: 'accountant', tenantId: null });
    expect((await api.call('GET', `/v1/billing/reconciliation?period=${new Date().toISOString().slice(0, 7)}`, asPerson(accountant, false))).status).toBe(200);
    expectError(await api.call('GET', '/v1/tenants', asPerson(accountant, false)), 403, 'forbidden');
    expect((await api.call('GET', '/v1/hub/users')).json.data.map((user: { email: string }) => user.email)).toContain('compta@coop.example');
  });
});

describe("a tenant's keys", () => {
  it("are created, listed and revoked by the tenant's admin people, never shown again, and a revoked key stops working", async () => {
    const tenant = (await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'Clés' }) })).json.id;
    await invite(tenant, { email: 'keys-admin@c.example', name: 'Admin', tenantAdmin: true });
    await invite(tenant, { email: 'keys-clerk@c.example', name: 'Clerk' });
    const admin = await signIn('keys-admin@c.example', tenant);
    const clerk = await signIn('keys-clerk@c.example', tenant);
    const made = await api.call('POST', `/v1/tenants/${tenant}/api-keys`, { ...asPerson(admin), body: { role: 'tenant' } });
    expect(made.status, made.text).toBe(201);
    expectError(await api.call('POST', `/v1/tenants/${tenant}/api-keys`, { ...asPerson(clerk), body: {} }), 403, 'forbidden');
    expectError(await api.call('POST', `/v1/tenants/${tenantA}/api-keys`, { ...asPerson(admin), body: {} }), 404, 'resource_missing');
    expectError(await api.call('POST', `/v1/tenants/${tenant}/api-keys`, { key: made.json.key, body: {} }), 403, 'forbidden');
    const listed = await api.call('GET', `/v1/tenants/${tenant}/api-keys`, asPerson(clerk, false));
    expect(listed.json.data).toEqual([expect.objectContaining({ id: made.json.id, role: 'tenant', revokedAt: null, hint: `…${made.json.key.slice(-4)}` })]);
    expect(listed.text).not.toContain(made.json.key);
    expect((await api.call('GET', '/v1/deliveries', { key: made.json.key })).status).toBe(200);
    expectError(await api.call('DELETE', `/v1/tenants/${tenant}/api-keys/${made.json.id}`, asPerson(clerk)), 403, 'forbidden');
    const revoked = await api.call('DELETE', `/v1/tenants/${tenant}/api-keys/${made.json.id}`, asPerson(admin));
    expect(revoked.status).toBe(200);
    expect(revoked.json.revokedAt).not.toBeNull();
    expectError(await api.call('GET', '/v1/deliveries', { key: made.json.key }), 401, 'invalid_api_key');
    expectError(await api.call('DELETE', `/v1/tenants/${tenantA}/api-keys/${made.json.id}`), 404, 'resource_missing');
  });
});

describe("the hub's keys", () => {
  it('are listed without their secret and revoked by an admin', async () => {
    const made = (await api.call('POST', '/v1/hub/api-keys', { body: { role: 'accountant' } })).json;
    const listed = await api.call('GET', '/v1/hub/api-keys');
    expect(listed.json.data.map((key: { id: string }) => key.id)).toContain(made.id);
    expect(listed.text).not.toContain(made.key);
    expect((await api.call('GET', `/v1/billing/invoices?status=open`, { key: made.key })).status).toBe(200);
    const revoked = await api.call('DELETE', `/v1/hub/api-keys/${made.id}`);
    expect(revoked.json).toMatchObject({ id: made.id, role: 'accountant' });
    expectError(await api.call('GET', `/v1/billing/invoices?status=open`, { key: made.key }), 401, 'invalid_api_key');
    expectError(await api.call('DELETE', '/v1/hub/api-keys/key_01JDQ6V7M5B8XK2ZQ3W4E5R6T7'), 404, 'resource_missing');
    expectError(await api.call('GET', '/v1/hub/api-keys', { key: made.key }), 401, 'invalid_api_key');
  });
});
