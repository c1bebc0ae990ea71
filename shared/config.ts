/**
 * Configuration read from the environment. Getters, not constants: the local runtime sets the
 * environment before the first request, after some modules are already loaded.
 */
function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
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
};

/** The event source of every event this system puts on the bus. */
export const EVENT_SOURCE = 'delivery-hub';
