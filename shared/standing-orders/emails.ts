import { escapeHtml } from '../html.js';
import type { OccurrenceFailedData } from './events.js';

/** The e-mail a tenant receives when an occurrence of one of its standing orders cannot be booked: French first, then English. */
export interface StandingOrderEmail {
  subject: string;
  text: string;
  html: string;
}

const frenchDate = (date: string) => date.split('-').reverse().join('/');

export function occurrenceFailedEmail(failure: OccurrenceFailedData, hubName: string, appUrl: string): StandingOrderEmail {
  const order = failure.reference ? `« ${failure.reference} » (${failure.standingOrderId})` : failure.standingOrderId;
  const link = `${appUrl}/standing-orders/${failure.standingOrderId}`;
  const paragraphs = [
    `Bonjour,\nla livraison du ${frenchDate(failure.date)} de votre commande récurrente ${order} n'a pas pu être réservée.\nMotif (${failure.code}) : ${failure.message}`,
    `Elle n'est pas perdue : ${hubName} réessaie à chaque passage quotidien, et vous pouvez la modifier ou l'annuler pour ce jour-là : ${link}`,
    `Hello,\nthe ${failure.date} delivery of your standing order ${order} could not be booked.\nReason (${failure.code}): ${failure.message}\nIt is tried again every day; you can change or skip that day at the link above.`,
  ];
  const text = paragraphs.join('\n\n');
  const html = `<!doctype html><html lang="fr"><body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:40rem">${paragraphs
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/(https?:\/\/\S+)/g, '<a href="$1">$1</a>').replaceAll('\n', '<br>')}</p>`)
    .join('')}</body></html>`;
  return { subject: `Livraison du ${frenchDate(failure.date)} non réservée — commande récurrente ${failure.reference ?? failure.standingOrderId}`, text, html };
}
