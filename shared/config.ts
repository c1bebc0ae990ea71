/**
 * Configuration read from the environment. Getters, not constants: the local runtime sets the
 * environment before the first request, after some modules are already loaded.
 */
function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** A whole number from the environment, at least `min`; a value that is not one is a configuration error. */
function intEnv(name: string, fallback: number, min: number): number {
  const raw = env(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, got '${raw}'.`);
  return value;
}

export const config = {
  get tableName(): string {
    return env('TABLE_NAME') ?? 'delivery-hub';
  },
  get eventBusName(): string {
    return env('EVENT_BUS_NAME') ?? 'delivery-hub';
  },
  get publicBaseUrl(): string {
    return (env('PUBLIC_BASE_URL') ?? 'http://localhost:3000').replace(/\/+$/, '');
  },
  /** A bootstrap admin key given by the environment (local runtime; never set in AWS). */
  get hubAdminApiKey(): string | undefined {
    return env('HUB_ADMIN_API_KEY');
  },
  get stage(): string {
    return env('STAGE') ?? 'local';
  },
  /** True when running in the local runtime, where developer conveniences apply. */
  get isLocal(): boolean {
    return env('DELIVERY_HUB_LOCAL') === 'true';
  },
  /** The cooperative's name, shown on the tracking page and in recipients' e-mails. */
  get hubName(): string {
    return env('HUB_NAME') ?? 'Coopérative des coursiers à vélo de Saint-Étienne';
  },
  /** Days a tracking link keeps working after the delivery ends (delivered, failed or cancelled). */
  get trackingRetentionDays(): number {
    return intEnv('TRACKING_RETENTION_DAYS', 30, 0);
  },
  /** Public tracking requests per minute, per tracking link and per client address. */
  get trackingRateLimitPerToken(): number {
    return intEnv('TRACKING_RATE_LIMIT_PER_TOKEN', 60, 1);
  },
  get trackingRateLimitPerIp(): number {
    return intEnv('TRACKING_RATE_LIMIT_PER_IP', 120, 1);
  },
  /** `ses` sends recipients' e-mails with Amazon SES; `outbox` (the default) keeps them in the table. */
  get notifier(): 'ses' | 'outbox' {
    const value = env('NOTIFIER') ?? 'outbox';
    if (value !== 'ses' && value !== 'outbox') throw new Error(`NOTIFIER must be 'ses' or 'outbox', got '${value}'.`);
    return value;
  },
  /** The sender of recipients' e-mails through SES (a verified identity). */
  get sesFromAddress(): string | undefined {
    return env('SES_FROM_ADDRESS');
  },
};

/** The event source of every event this system puts on the bus. */
export const EVENT_SOURCE = 'delivery-hub';
