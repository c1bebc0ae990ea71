import * as z from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { IdParam } from '../schemas/common.js';
import { dayLabelErrors, deliveryLabelErrors } from './errors.js';
import { DayLabelsQuery, DeliveryLabelsQuery } from './schemas.js';

/** Accountants see no recipient's data, not even a first name: labels are for tenants and the hub. */
const labelRoles = ['tenant', 'admin'] as const;
const pdf = { description: 'The labels, a PDF.', schema: z.string().meta({ format: 'binary' }), contentType: 'application/pdf' };

/** Printable parcel labels (a QR code of each parcel's code, the reference, the recipient's first name and district, the day, the leg). */
export const labelRoutes = {
  getDeliveryLabels: defineRoute({
    method: 'GET',
    path: '/v1/deliveries/{id}/labels',
    roles: labelRoles,
    handler: 'functions/labels/get-delivery-labels.ts',
    rendersDocuments: true,
    summary:
      "A delivery's parcel labels as a PDF, one per parcel: a QR code of the parcel's code (`STE:dlv_…:n`, printed under it for typing), parcel n/N, the reference, the recipient's first name and district (no phone, no street), the service day and window, and the leg (direct, to the hub, from the hub, collection point). A6 pages, or four per A4 sheet. A cancelled delivery has none (409).",
    tag: 'Labels',
    request: { params: IdParam, query: DeliveryLabelsQuery },
    responses: { 200: pdf },
    errors: [deliveryLabelErrors],
  }),
  listDayLabels: defineRoute({
    method: 'GET',
    path: '/v1/labels',
    roles: labelRoles,
    handler: 'functions/labels/list-day-labels.ts',
    rendersDocuments: true,
    summary:
      "A service day's labels as one PDF (Europe/Paris): a tenant's own deliveries, the whole hub's for an admin; cancelled and finished deliveries left out. Nothing to print that day: 404.",
    tag: 'Labels',
    request: { query: DayLabelsQuery },
    responses: { 200: pdf },
    errors: [dayLabelErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
