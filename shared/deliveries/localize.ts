import type { Page } from '../db/pagination.js';
import type { Language } from '../i18n/language.js';
import { localizeLines } from '../pricing/labels.js';
import type { Delivery } from './schemas.js';

/**
 * A delivery as an API reader sees it: the price lines labelled in the reader's language.
 * Stored (and sent to webhooks and the bus) with French labels, codes and thresholds; the label
 * is made again on each read, so every reader gets one language throughout, however the
 * delivery was booked.
 */
export function localizeDelivery(delivery: Delivery, language: Language): Delivery {
  return { ...delivery, lines: localizeLines(delivery.lines, language) };
}

export function localizeDeliveries(page: Page<Delivery>, language: Language): Page<Delivery> {
  return { ...page, data: page.data.map((delivery) => localizeDelivery(delivery, language)) };
}
