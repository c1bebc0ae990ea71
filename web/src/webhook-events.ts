/**
 * The event types a webhook endpoint may subscribe to, as the API accepts them
 * (`shared/webhooks/schemas.ts`: each type endpoints receive, or `<area>.*` for a whole area).
 */
export const WEBHOOK_EVENT_GROUPS = [
  { area: 'delivery', types: ['delivery.booked', 'delivery.assigned', 'delivery.picked_up', 'delivery.delivered', 'delivery.failed', 'delivery.cancelled', 'delivery.arrived', 'delivery.unassigned', 'delivery.returned', 'delivery.rescheduled', 'delivery.returned_to_sender', 'delivery.at_hub'] },
  { area: 'invoice', types: ['invoice.issued', 'invoice.paid'] },
  { area: 'payment', types: ['payment.recorded'] },
  { area: 'credit_note', types: ['credit_note.issued'] },
  { area: 'standing_order', types: ['standing_order.occurrence_failed'] },
] as const;

/** Every value the API accepts in `events`: the exact types, then one wildcard per area. */
export function webhookEventChoices(): string[] {
  return [...WEBHOOK_EVENT_GROUPS.flatMap((group) => group.types), ...WEBHOOK_EVENT_GROUPS.map((group) => `${group.area}.*`)];
}

/**
 * What to send from the boxes ticked: an area's wildcard stands for its types (they are dropped),
 * an area whose every type is ticked becomes its wildcard (new types of the area come too), and
 * the order is the choices' own, so the same ticks always send the same list.
 */
export function eventsToSend(selected: Iterable<string>): string[] {
  const chosen = new Set(selected);
  const out: string[] = [];
  for (const group of WEBHOOK_EVENT_GROUPS) {
    const wildcard = `${group.area}.*`;
    if (chosen.has(wildcard) || group.types.every((type) => chosen.has(type))) out.push(wildcard);
    else out.push(...group.types.filter((type) => chosen.has(type)));
  }
  return out;
}

/** Whether an endpoint subscribed with `events` receives `type`. */
export function receives(events: readonly string[], type: string): boolean {
  return events.some((filter) => filter === type || (filter.endsWith('.*') && type.startsWith(filter.slice(0, -1))));
}
