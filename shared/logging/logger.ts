import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The process-wide structured JSON logger (Powertools). Per request, use a child with the
 * request's keys: children keep concurrent requests of the local runtime apart.
 * Never log a request body, a key, an e-mail or an address: ids, codes and timings only.
 * Level from `POWERTOOLS_LOG_LEVEL` (tests set `SILENT`).
 */
export const logger = new Logger({ serviceName: 'delivery-hub' });

export type { Logger };
