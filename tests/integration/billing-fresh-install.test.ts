import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as scheduledRun } from '../../functions/billing/scheduled-run.js';
import { periodOf, previousPeriod } from '../../shared/billing/period.js';
import { expectError, sampleTenant, startTestApi, type TestApi } from '../helpers/runtime.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

describe('billing on a fresh install', () => {
  it('refuses an API run of a month no tenant was there for, while the monthly schedule finds nothing to bill and completes', async () => {
    const now = new Date();
    const current = periodOf(now);
    const lastMonth = previousPeriod(now);

    const none = expectError(await api.call('POST', '/v1/billing/runs', { body: { period: lastMonth } }), 400, 'parameter_invalid');
    expect(none.param).toBe('period');
    expect(none.message).toBe(`period ${lastMonth} cannot be billed: no tenant has joined yet, so ${current} (the current month in Paris) is the only month a run may bill.`);
    expect(await scheduledRun({ scheduledTime: now.toISOString() })).toMatchObject({ period: lastMonth, invoices: 0 });

    // The first tenant joins this month: last month is still before it, for the API, not for the schedule.
    expect((await api.call('POST', '/v1/tenants', { body: sampleTenant() })).status).toBe(201);
    const before = expectError(await api.call('POST', '/v1/billing/runs', { body: { period: lastMonth } }), 400, 'parameter_invalid');
    expect(before.message).toBe(`period ${lastMonth} is before the first tenant joined: a run bills a month from ${current} (when the first tenant joined) to ${current} (the current month in Paris).`);
    expect(await scheduledRun({ scheduledTime: now.toISOString() })).toMatchObject({ period: lastMonth, invoices: 0 });
    const thisMonth = await api.call('POST', '/v1/billing/runs', { body: { period: current } });
    expect(thisMonth.status, thisMonth.text).toBe(201);
    expect(thisMonth.json.invoices).toEqual([]);
  });
});
