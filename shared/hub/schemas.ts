import * as z from 'zod';
import { RateCard } from '../pricing/rate-card.js';

export const RateCardView = RateCard.extend({
  object: z.literal('rate_card'),
  source: z.enum(['hub', 'tenant']).meta({ description: '`tenant`: the tenant\'s own rates; `hub`: the default.' }),
  tenantId: z.string().nullable(),
}).meta({ id: 'RateCardView' });

export const scanActions = ['check_in', 'check_out'] as const;
export const ScanBody = z
  .strictObject({
    code: z.string().min(1).max(200).meta({ description: 'The code on the parcel\'s label (its QR code, or typed): `<hub code>:<delivery id>:<parcel number>`, e.g. `STE:dlv_01JF…:2`.' }),
    action: z.enum(scanActions).meta({ description: '`check_in`: the parcel arrives at the hub; `check_out`: it leaves on its last leg (which must be assigned; a courier scans only its own).' }),
  })
  .meta({ id: 'ParcelScanRequest' });
export type ScanBody = z.output<typeof ScanBody>;

export const ParcelScan = z
  .object({
    object: z.literal('parcel_scan'),
    code: z.string().meta({ description: 'The code as read (upper case, trimmed).' }),
    action: z.enum(scanActions),
    deliveryId: z.string().meta({ description: 'The delivery through the hub (its last leg).' }),
    reference: z.string().nullable().meta({ description: "The tenant's reference of the delivery, to sort the parcel by." }),
    parcel: z.number().int().meta({ description: 'The parcel scanned, 1-based.' }),
    parcels: z.object({ total: z.number().int(), checkedIn: z.number().int(), checkedOut: z.number().int() }),
    stage: z.enum(['expected', 'to_hub', 'at_hub', 'left_hub']).meta({ description: 'Where the parcels are after this scan.' }),
    status: z.string().meta({ description: "The delivery's status after this scan (`picked_up` once every parcel is checked out)." }),
    repeated: z.boolean().meta({ description: 'This parcel was scanned this way already: nothing changed.' }),
  })
  .meta({ id: 'ParcelScan' });
export type ParcelScan = z.output<typeof ParcelScan>;
