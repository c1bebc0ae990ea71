import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import { guardedLookup, isForbiddenAddress, literalAddress, type UrlPolicy } from './ssrf.js';

/** The longest we wait for a receiver; the contract's bound is 15 s. */
export const SEND_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 4096;

export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /** Seconds the receiver asked us to wait (429/503 `Retry-After`). */
  retryAfterSeconds: number | null;
}

export interface OutgoingMessage {
  url: string;
  secret: string;
  /** A secret just rotated away from, still signed with until it expires (Standard Webhooks: space-separated signatures). */
  previousSecret?: string | undefined;
  messageId: string;
  body: string;
}

function parseRetryAfter(value: string | string[] | undefined): number | null {
  if (typeof value !== 'string') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * One delivery attempt, signed per Standard Webhooks (`webhook-id` stable across attempts, a
 * fresh timestamp and signature each time). Never throws: the outcome is data for the log.
 */
export function sendWebhook(message: OutgoingMessage, policy: UrlPolicy, now = new Date()): Promise<SendResult> {
  const started = performance.now();
  const signature = [message.secret, ...(message.previousSecret ? [message.previousSecret] : [])].map((secret) => new Webhook(secret).sign(message.messageId, now, message.body)).join(' ');
  const url = new URL(message.url);
  // Node connects to an IP literal without calling `lookup`, so the guard below never sees it;
  // the URL may have been stored before the blocklist grew, hence the check at every send.
  const literal = literalAddress(url);
  if (literal !== undefined && isForbiddenAddress(literal, policy)) {
    return Promise.resolve({ statusCode: null, latencyMs: 0, error: `${literal} is a forbidden address`, retryAfterSeconds: null });
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, latencyMs: Math.round(performance.now() - started) });
    };
    const request = send(
      url,
      {
        method: 'POST',
        lookup: guardedLookup(policy) as never,
        timeout: SEND_TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(message.body),
          'user-agent': 'delivery-hub-webhooks/1',
          'webhook-id': message.messageId,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signature,
        },
      },
      (response) => {
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) response.destroy();
        });
        const done = () =>
          finish({
            statusCode: response.statusCode ?? null,
            error: null,
            retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
          });
        response.on('end', done);
        response.on('close', done);
      },
    );
    const timer = setTimeout(() => request.destroy(new Error(`timed out after ${SEND_TIMEOUT_MS} ms`)), SEND_TIMEOUT_MS);
    request.on('timeout', () => request.destroy(new Error(`timed out after ${SEND_TIMEOUT_MS} ms`)));
    request.on('error', (error) => finish({ statusCode: null, error: error.message.slice(0, 200), retryAfterSeconds: null }));
    request.on('close', () => clearTimeout(timer));
    request.end(message.body);
  });
}
