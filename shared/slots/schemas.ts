import * as z from 'zod';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM');

export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), 'must be a real calendar date');

export const PutSlotsBody = z
  .strictObject({
    slots: z
      .array(z.strictObject({ start: time, end: time, capacity: z.number().int().min(0).max(1000) }))
      .max(48)
      .superRefine((slots, context) => {
        const seen = new Set<string>();
        slots.forEach((slot, index) => {
          if (slot.end <= slot.start) context.addIssue({ code: 'custom', message: 'must be after start', path: [index, 'end'] });
          const key = `${slot.start}-${slot.end}`;
          if (seen.has(key)) context.addIssue({ code: 'custom', message: 'repeats another slot with the same start and end', path: [index, 'start'] });
          seen.add(key);
        });
      }),
  })
  .meta({
    id: 'PutSlotsRequest',
    description:
      'A day of slots, from today to two years ahead (Europe/Paris dates); times are Europe/Paris local. A time the clocks skip (02:00–02:59 on the last Sunday of March) is refused; a time that occurs twice (02:00–02:59 on the last Sunday of October) means its first occurrence, summer time.',
  });
export type PutSlotsBody = z.output<typeof PutSlotsBody>;

export const Slot = z
  .object({
    id: z.string(),
    object: z.literal('slot'),
    date: z.string(),
    start: z.string(),
    end: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    capacity: z.number().int(),
    remaining: z.number().int(),
  })
  .meta({ id: 'Slot', description: 'A pickup time slot of the hub; times are Europe/Paris local, `startsAt`/`endsAt` the UTC instants.' });
export type Slot = z.output<typeof Slot>;

export const SlotsQuery = z.strictObject({ date: LocalDate });
export const SlotDateParam = z.strictObject({ date: z.string().min(1).max(32) });

export const SlotDay = z.object({ date: z.string().optional(), data: z.array(Slot) }).meta({ id: 'SlotDay' });
