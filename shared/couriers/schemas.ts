import * as z from 'zod';
import { text, Timestamp } from '../schemas/common.js';

export const CreateCourierBody = z.strictObject({ name: text(200) }).meta({ id: 'CreateCourierRequest' });
export type CreateCourierBody = z.output<typeof CreateCourierBody>;

export const Courier = z
  .object({ id: z.string(), object: z.literal('courier'), name: z.string(), createdAt: Timestamp })
  .meta({ id: 'Courier' });
export type Courier = z.output<typeof Courier>;

export const CourierCreated = Courier.extend({
  apiKey: z.string().meta({ description: "The courier's key. Shown this once, stored only as a hash." }),
}).meta({ id: 'CourierCreated' });
