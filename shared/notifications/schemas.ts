import * as z from 'zod';
import { Timestamp } from '../schemas/common.js';

/** The events that e-mail the recipient: the tracking link on booking, then the outcome. */
export const notifiedEventTypes = ['delivery.booked', 'delivery.delivered', 'delivery.failed', 'delivery.rescheduled'] as const;
/** The events that e-mail a tenant's billing address: its invoice, its credit note, a payment reminder. */
export const billingNotifiedEventTypes = ['invoice.issued', 'credit_note.issued', 'invoice.reminder_due'] as const;
/** A person's sign-in link (kept under their tenant, or `hub` for the cooperative's staff). */
export const accountNotifiedEventTypes = ['auth.sign_in'] as const;
/** A standing order's occurrence that could not be booked: to the tenant's address. */
export const standingOrderNotifiedEventTypes = ['standing_order.occurrence_failed'] as const;
export type NotifiedEventType = (typeof notifiedEventTypes)[number];

/** An e-mail to a recipient, as kept by the table outbox (what would have been sent). */
export const Notification = z
  .object({
    id: z.string(),
    object: z.literal('notification'),
    channel: z.literal('email'),
    tenantId: z.string(),
    deliveryId: z.string().optional().meta({ description: "The delivery a recipient's e-mail is about." }),
    invoiceId: z.string().optional().meta({ description: 'The invoice a billing e-mail is about (sent to the tenant\'s billing address).' }),
    eventId: z.string(),
    eventType: z.enum([...notifiedEventTypes, ...billingNotifiedEventTypes, ...accountNotifiedEventTypes, ...standingOrderNotifiedEventTypes]),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    createdAt: Timestamp,
  })
  .meta({ id: 'Notification' });
export type Notification = z.output<typeof Notification>;

export const ListNotificationsQuery = z.strictObject({
  tenantId: z.string().min(1).max(64).meta({ description: "Whose e-mails: a tenant's id, or `hub` for the cooperative's staff (sign-in links)." }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});
