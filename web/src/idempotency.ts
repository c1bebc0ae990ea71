/**
 * One `Idempotency-Key` per form submission, so a double click, a retry after a lost connection
 * or a second tab replaying the same request books once.
 *
 * The key belongs to what is submitted: the same body submitted again (a double click, a retry)
 * reuses it; a changed body (another slot after "slot full") takes a new one, since the API
 * refuses a key reused with another body. A final answer ends the key's life: after a success
 * the next booking is a new one; after a refusal (a 4xx, which the API stores and would replay
 * for 48 hours) a retry must be asked again for real. Only when the outcome is unknown (no
 * answer, a 5xx, or the first request still running) is the key kept, and that is the case
 * where reusing it matters.
 */
export function newIdempotencyKey(): string {
  const cryptoApi = globalThis.crypto;
  if (typeof cryptoApi?.randomUUID === 'function') return `web-${cryptoApi.randomUUID()}`;
  const bytes = new Uint8Array(16);
  cryptoApi.getRandomValues(bytes);
  return `web-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** A stable text for a body: object keys sorted, so key order never makes two bodies differ. */
export function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return inner;
  });
}

export class Submission {
  private key: string | null = null;
  private print: string | null = null;

  constructor(private readonly makeKey: () => string = newIdempotencyKey) {}

  /** The key to send with this body: the pending one if the body is the same, else a new one. */
  keyFor(body: unknown): string {
    const print = fingerprint(body);
    if (this.key === null || this.print !== print) {
      this.key = this.makeKey();
      this.print = print;
    }
    return this.key;
  }

  /** The request got a final answer: the next submission is a new one. */
  settled(): void {
    this.key = null;
    this.print = null;
  }

  /**
   * The request failed: keep the key when the outcome is unknown (so a retry cannot book
   * twice), drop it after a refusal (so a retry is decided again, not replayed).
   */
  failed(error: { status?: number; code?: string } | unknown): void {
    const { status, code } = (error ?? {}) as { status?: number; code?: string };
    const unknownOutcome = status === undefined || status === 0 || status >= 500 || code === 'idempotency_request_in_progress';
    if (!unknownOutcome) this.settled();
  }

  /** The key pending, if any (for tests and for showing nothing twice). */
  get pending(): string | null {
    return this.key;
  }
}
