import { paymentTerms } from './mentions.js';
import { formatMoney } from './money.js';
import type { CreditNote, InvoiceRecord } from './schemas.js';
import { settlementOf } from './settlement.js';
import { escapeHtml } from '../html.js';

/**
 * The e-mails a tenant's billing address receives: its invoice, a credit note, a payment
 * reminder. French first, then English; plain text and a small HTML version; the document by an
 * unguessable link that expires (the PDF is Factur-X: a person reads it, accounting software
 * reads its XML).
 */
export interface BillingEmail {
  subject: string;
  text: string;
  html: string;
}

const frenchDate = (date: string) => date.split('-').reverse().join('/');

function render(subject: string, paragraphs: string[]): BillingEmail {
  const text = paragraphs.join('\n\n');
  const html = `<!doctype html><html lang="fr"><body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:40rem">${paragraphs
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/(https?:\/\/\S+)/g, '<a href="$1">$1</a>').replaceAll('\n', '<br>')}</p>`)
    .join('')}</body></html>`;
  return { subject, text, html };
}

interface Link {
  url: string;
  expiresAt: string;
}

function payment(invoice: InvoiceRecord): string[] {
  const iban = invoice.seller?.iban;
  return [
    ...(iban ? [`Virement / Transfer : IBAN ${iban}${invoice.seller?.bic ? `, BIC ${invoice.seller.bic}` : ''}, en rappelant le numéro ${invoice.number} / quoting ${invoice.number}.`] : []),
    ...(invoice.stripe?.hostedInvoiceUrl ? [`Payer en ligne / Pay online : ${invoice.stripe.hostedInvoiceUrl}`] : []),
  ];
}

export function invoiceIssuedEmail(invoice: InvoiceRecord, link: Link, hubName: string): BillingEmail {
  const amount = formatMoney(invoice.total.gross);
  const due = invoice.dueDate ? frenchDate(invoice.dueDate) : '—';
  return render(`Facture ${invoice.number} — ${amount} — ${hubName}`, [
    `Bonjour,\nvoici votre facture ${invoice.number} de ${hubName} pour vos livraisons, d'un montant de ${amount} TTC, à régler avant le ${due}.`,
    `Facture (PDF Factur-X, lien valable jusqu'au ${frenchDate(link.expiresAt.slice(0, 10))}) : ${link.url}`,
    ...payment(invoice),
    paymentTerms(invoice.dueDate && invoice.issuedAt ? Math.round((Date.parse(invoice.dueDate) - Date.parse(invoice.issuedAt.slice(0, 10))) / 86_400_000) : 30),
    `Hello,\nhere is invoice ${invoice.number} from ${hubName} for your deliveries: ${amount} including VAT, due on ${invoice.dueDate ?? '—'}. The PDF (Factur-X) is at the link above until ${link.expiresAt.slice(0, 10)}.`,
  ]);
}

export function creditNoteEmail(note: CreditNote, link: Link, hubName: string): BillingEmail {
  const amount = formatMoney(note.total.gross);
  return render(`Avoir ${note.number} sur la facture ${note.invoiceNumber} — ${hubName}`, [
    `Bonjour,\n${hubName} vous adresse l'avoir ${note.number} de ${amount} TTC sur la facture ${note.invoiceNumber}. Motif : ${note.reason}`,
    `Avoir (PDF Factur-X, lien valable jusqu'au ${frenchDate(link.expiresAt.slice(0, 10))}) : ${link.url}`,
    `Hello,\n${hubName} sends you credit note ${note.number} for ${amount} including VAT on invoice ${note.invoiceNumber}. Reason: ${note.reason}. The PDF is at the link above until ${link.expiresAt.slice(0, 10)}.`,
  ]);
}

export function reminderEmail(invoice: InvoiceRecord, step: 'first' | 'second', link: Link, hubName: string, today: string): BillingEmail {
  const owed = formatMoney(settlementOf(invoice).amountDue);
  const due = invoice.dueDate ? frenchDate(invoice.dueDate) : '—';
  const late = invoice.dueDate ? Math.round((Date.parse(today) - Date.parse(invoice.dueDate)) / 86_400_000) : 0;
  const french =
    step === 'first'
      ? `Bonjour,\nsauf erreur de notre part, la facture ${invoice.number} de ${hubName}, échue le ${due}, n'est pas encore réglée : il reste ${owed} à payer. Si vous avez déjà effectué le paiement, merci de ne pas tenir compte de ce message.`
      : `Bonjour,\nmalgré notre première relance, la facture ${invoice.number} de ${hubName}, échue le ${due} (${late} jours de retard), reste impayée : ${owed}. Merci de procéder au règlement sans délai.`;
  return render(`${step === 'first' ? 'Relance' : 'Seconde relance'} : facture ${invoice.number} impayée — ${owed}`, [
    french,
    `Facture (PDF, lien valable jusqu'au ${frenchDate(link.expiresAt.slice(0, 10))}) : ${link.url}`,
    ...payment(invoice),
    "Conformément à l'article L441-10 du Code de commerce, tout retard de paiement entraîne des pénalités au taux d'intérêt appliqué par la BCE à son opération de refinancement la plus récente majoré de 10 points, exigibles sans rappel, ainsi qu'une indemnité forfaitaire pour frais de recouvrement de 40 € (art. D441-5).",
    `Hello,\n${step === 'first' ? 'as far as we can see' : 'despite our first reminder'}, invoice ${invoice.number} from ${hubName}, due on ${invoice.dueDate ?? '—'}, is unpaid: ${owed} is still owed. Late payment bears penalties (ECB rate + 10 points) and a flat €40 recovery fee.`,
  ]);
}
