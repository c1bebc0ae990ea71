import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { classify, MAX_ATTEMPTS, nextDelaySeconds, RETRY_DELAYS_SECONDS } from '../../shared/webhooks/schedule.js';
import { sendWebhook } from '../../shared/webhooks/sender.js';
import { filterMatches } from '../../shared/webhooks/service.js';
import { checkUrlShape, isForbiddenAddress } from '../../shared/webhooks/ssrf.js';
import { startReceiver } from '../helpers/receiver.js';

const aws = { allowLoopbackHttp: false };
const local = { allowLoopbackHttp: true };

describe('SSRF guard', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1'])(
    'refuses %s in AWS',
    (address) => expect(isForbiddenAddress(address, aws)).toBe(true),
  );

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '172.32.0.1'])('allows the public address %s', (address) => {
    expect(isForbiddenAddress(address, aws)).toBe(false);
  });

  it('allows plain http to loopback locally only', () => {
    expect(checkUrlShape('http://127.0.0.1:8080/hooks', local).hostname).toBe('127.0.0.1');
    expect(checkUrlShape('http://localhost:8080/hooks', local).hostname).toBe('localhost');
    expect(() => checkUrlShape('http://127.0.0.1:8080/hooks', aws)).toThrow(AppError);
    expect(() => checkUrlShape('https://127.0.0.1/hooks', aws)).toThrow(AppError);
    expect(() => checkUrlShape('https://[::ffff:7f00:1]/hooks', aws)).toThrow(AppError);
    expect(() => checkUrlShape('http://example.org/hooks', aws)).toThrow(/https/);
    expect(() => checkUrlShape('http://10.0.0.1/hooks', local)).toThrow(AppError);
    expect(checkUrlShape('https://shop.example.org/hooks', aws).protocol).toBe('https:');
  });

  it('refuses at send time a name that resolves to a private address (DNS rebinding)', async () => {
    const receiver = await startReceiver();
    try {
      const url = receiver.url.replace('127.0.0.1', 'localhost');
      const result = await sendWebhook({ url, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', messageId: 'msg_1', body: '{}' }, aws);
      expect(result.statusCode).toBeNull();
      expect(result.error).toMatch(/forbidden address/);
      expect(receiver.received).toHaveLength(0);
      const allowed = await sendWebhook({ url, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', messageId: 'msg_1', body: '{}' }, local);
      expect(allowed.statusCode).toBe(200);
    } finally {
      await receiver.close();
    }
  });
});

describe('retry schedule', () => {
  it('spreads attempts over more than 24 hours, then stops', () => {
    const total = RETRY_DELAYS_SECONDS.reduce((sum, delay) => sum + delay, 0);
    expect(total * 0.9).toBeGreaterThan(24 * 3600);
    expect(nextDelaySeconds(MAX_ATTEMPTS, null)).toBeNull();
  });

  it('grows exponentially with jitter of −10 % to +20 %', () => {
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt += 1) {
      const base = RETRY_DELAYS_SECONDS[attempt - 1] as number;
      expect(nextDelaySeconds(attempt, null, () => 0)).toBe(Math.round(base * 0.9));
      expect(nextDelaySeconds(attempt, null, () => 1)).toBe(Math.round(base * 1.2));
    }
  });

  it('waits at least as long as Retry-After asks, within a day', () => {
    expect(nextDelaySeconds(1, 600, () => 0.5)).toBe(600);
    expect(nextDelaySeconds(3, null, () => 0.5)).toBe(Math.round(30 * 60 * 1.05));
    expect(nextDelaySeconds(1, 10 * 86_400, () => 0.5)).toBe(86_400);
    expect(nextDelaySeconds(3, 1, () => 0.5)).toBe(Math.round(30 * 60 * 1.05));
  });

  it('classifies answers', () => {
    expect(classify(204)).toBe('success');
    expect(classify(410)).toBe('gone');
    expect(classify(500)).toBe('retryable');
    expect(classify(429)).toBe('retryable');
    expect(classify(301)).toBe('retryable');
    expect(classify(null)).toBe('retryable');
  });
});

describe('event filters', () => {
  it('match exact types and wildcards of one family', () => {
    expect(filterMatches(['delivery.*'], 'delivery.booked')).toBe(true);
    expect(filterMatches(['delivery.delivered'], 'delivery.booked')).toBe(false);
    expect(filterMatches(['invoice.*'], 'delivery.booked')).toBe(false);
    expect(filterMatches(['delivery.*'], 'deliveryx.booked')).toBe(false);
  });
});
