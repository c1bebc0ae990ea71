import * as z from 'zod';
import { labelFormats } from './pdf.js';

const format = z.enum(labelFormats).default('a6').meta({ description: '`a6` (default): one 105 × 148 mm page per parcel, for label printers. `a4`: four labels per A4 sheet (2 × 2, dashed cut lines), for an office printer.' });

export const DeliveryLabelsQuery = z.strictObject({ format });

export const DayLabelsQuery = z.strictObject({
  date: z.iso.date('must be a date, YYYY-MM-DD').meta({ description: 'The service day (Europe/Paris).' }),
  format,
});
