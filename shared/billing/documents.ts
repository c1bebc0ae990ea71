import { paymentTerms } from './mentions.js';
import { wants } from './negotiate.js';
import { addDays, parisDate, periodBounds } from './period.js';
import type { BillingDocument, DocumentParty } from './facturx.js';
import type { Buyer, CreditNote, DocumentFormat, Invoice, Seller } from './schemas.js';

/**
 * Invoices and credit notes as documents: the neutral shape the Factur-X module renders (PDF/A-3
 * with its CII XML, or the bare XML), and which representation a request asks for.
 */

/** The representation asked: `?format=` first, then `Accept` (JSON unless another type is named without JSON). */
export function documentFormat(format: DocumentFormat | undefined, accept: string | undefined): DocumentFormat {
  if (format !== undefined) return format;
  for (const [name, mediaType] of [
    ['pdf', 'application/pdf'],
    ['xml', 'application/xml'],
    ['xml', 'text/xml'],
    ['html', 'text/html'],
    ['csv', 'text/csv'],
  ] as const) {
    if (wants(undefined, accept, name, mediaType)) return name;
  }
  return 'json';
}

function sellerParty(seller: Seller): BillingDocument['seller'] {
  return {
    name: seller.name,
    siren: seller.siren ?? (seller.siret.replace(/\D/g, '').slice(0, 9) || null),
    siret: seller.siret.replace(/\s/g, ''),
    vatNumber: seller.vatNumber.replace(/\s/g, ''),
    legalForm: seller.legalForm ?? seller.legalMentions,
    capital: seller.capital ?? null,
    rcs: seller.rcs ?? null,
    email: seller.email,
    iban: seller.iban ?? null,
    bic: seller.bic ?? null,
    address: { line1: seller.address.line1, ...(seller.address.line2 ? { line2: seller.address.line2 } : {}), postcode: seller.address.postcode, city: seller.address.city, country: seller.address.country },
  };
}

function buyerParty(buyer: Buyer): DocumentParty & { reference: string } {
  return {
    name: buyer.name,
    siren: buyer.siren ?? null,
    vatNumber: buyer.vatNumber ?? null,
    email: buyer.email,
    reference: buyer.tenantId,
    address: { line1: buyer.address.line1, ...(buyer.address.line2 ? { line2: buyer.address.line2 } : {}), postcode: buyer.address.postcode, city: buyer.address.city, country: buyer.address.country },
  };
}

function termsDays(issuedAt: string, dueDate: string | null): number {
  return dueDate ? Math.round((Date.parse(dueDate) - Date.parse(parisDate(issuedAt))) / 86_400_000) : 30;
}

export function invoiceDocument(invoice: Invoice): BillingDocument {
  if (!invoice.number || !invoice.issuedAt || !invoice.seller || !invoice.buyer) throw new Error(`Invoice ${invoice.id} is not issued: it has no document.`);
  const { start, end } = periodBounds(invoice.period);
  const terms = paymentTerms(termsDays(invoice.issuedAt, invoice.dueDate));
  return {
    kind: 'invoice',
    number: invoice.number,
    issueDate: parisDate(invoice.issuedAt),
    dueDate: invoice.dueDate,
    periodStart: parisDate(start),
    periodEnd: addDays(parisDate(end), -1),
    seller: sellerParty(invoice.seller),
    buyer: buyerParty(invoice.buyer),
    lines: invoice.lines.map((line) => ({ id: line.id, description: line.description, date: parisDate(line.occurredAt), reference: line.reference, vatRateBasisPoints: line.vatRateBasisPoints, net: line.net, vat: line.vat, gross: line.gross })),
    vatBreakdown: invoice.vatBreakdown.map(({ vatRateBasisPoints, net, vat }) => ({ vatRateBasisPoints, net, vat })),
    total: { net: invoice.total.net, vat: invoice.total.vat, gross: invoice.total.gross },
    paidAmount: invoice.paidAmount,
    paymentTerms: terms,
    notes: [terms],
  };
}

export function creditNoteDocument(note: CreditNote, invoiceIssuedAt: string | null): BillingDocument {
  if (!note.seller || !note.buyer) throw new Error(`Credit note ${note.id} has no parties.`);
  return {
    kind: 'credit_note',
    number: note.number,
    issueDate: parisDate(note.issuedAt),
    dueDate: null,
    seller: sellerParty(note.seller),
    buyer: buyerParty(note.buyer),
    lines: note.lines.map((line) => ({ id: line.lineId, description: line.description, date: parisDate(note.issuedAt), reference: null, vatRateBasisPoints: line.vatRateBasisPoints, net: line.net, vat: line.vat, gross: line.gross })),
    vatBreakdown: note.vatBreakdown.map(({ vatRateBasisPoints, net, vat }) => ({ vatRateBasisPoints, net, vat })),
    total: { net: note.total.net, vat: note.total.vat, gross: note.total.gross },
    precedingInvoice: { number: note.invoiceNumber, issueDate: invoiceIssuedAt ? parisDate(invoiceIssuedAt) : parisDate(note.issuedAt) },
    notes: [`Avoir sur la facture ${note.invoiceNumber}. Motif : ${note.reason}`],
  };
}
