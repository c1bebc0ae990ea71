import { InvoiceEventData } from './schemas.js';

/** Invoice events carry the invoice without its lines (an event stays far below the bus's 256 KB). */
export const billingEvents = {
  'invoice.issued': { version: 1, data: InvoiceEventData },
  'invoice.paid': { version: 1, data: InvoiceEventData },
} as const;
