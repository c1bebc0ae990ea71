import { paymentTerms } from './mentions.js';
import { formatMoney, formatRate } from './money.js';
import { parisDate, periodLabel } from './period.js';
import type { Invoice } from './schemas.js';
import { escapeHtml } from '../html.js';


/** `2026-04-01` → `01/04/2026`. */
const frenchDate = (date: string) => date.split('-').reverse().join('/');

const statusLabels: Record<Invoice['status'], string> = {
  draft: 'Brouillon (non numérotée, sans valeur de facture)',
  open: 'À payer',
  paid: 'Payée',
  void: 'Annulée',
  uncollectible: 'Irrécouvrable',
};

function address(party: { address: { line1: string; line2?: string | undefined; postcode: string; city: string } }): string {
  const { line1, line2, postcode, city } = party.address;
  return [line1, line2, `${postcode} ${city}`].filter(Boolean).map((part) => escapeHtml(part as string)).join('<br>');
}

/**
 * A printable invoice in French with the mentions French law requires of a B2B invoice: seller
 * (name, address, SIRET, VAT number, legal form) and buyer, unique sequential number, issue
 * date, date of the services (the period and each line's date), each line with its VAT rate,
 * the VAT recap per rate, totals excluding and including VAT, the due date, and the payment and
 * late-payment terms. Self-contained (no script, no external resource), readable on paper.
 */
export function invoiceHtml(invoice: Invoice, fallbackPaymentDays: number): string {
  const seller = invoice.seller;
  const buyer = invoice.buyer;
  const title = invoice.number ? `Facture ${invoice.number}` : 'Facture (brouillon)';
  const lines = invoice.lines
    .map(
      (line) => `<tr><td>${frenchDate(parisDate(line.occurredAt))}</td><td>${escapeHtml(line.description)}${line.reference ? `<br><small>Réf. ${escapeHtml(line.reference)}</small>` : ''}<br><small>${escapeHtml(line.deliveryId)}</small></td>` +
        `<td class="n">${formatMoney(line.net)}</td><td class="n">${formatRate(line.vatRateBasisPoints)}&nbsp;%</td><td class="n">${formatMoney(line.vat)}</td><td class="n">${formatMoney(line.gross)}</td></tr>`,
    )
    .join('\n');
  const recap = invoice.vatBreakdown
    .map((rate) => `<tr><td>TVA ${formatRate(rate.vatRateBasisPoints)}&nbsp;%</td><td class="n">${formatMoney(rate.net)}</td><td class="n">${formatMoney(rate.vat)}</td><td class="n">${formatMoney(rate.gross)}</td></tr>`)
    .join('\n');
  const days = invoice.issuedAt && invoice.dueDate ? Math.round((Date.parse(invoice.dueDate) - Date.parse(parisDate(invoice.issuedAt))) / 86_400_000) : fallbackPaymentDays;
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
  header { display: flex; justify-content: space-between; gap: 2rem; flex-wrap: wrap; }
  h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
  .parties { display: flex; justify-content: space-between; gap: 2rem; margin: 2rem 0; flex-wrap: wrap; }
  .parties section { flex: 1; min-width: 14rem; }
  h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: #555; margin: 0 0 .4rem; }
  table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
  th, td { padding: .4rem .5rem; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
  th { background: #f3f3f3; font-weight: 600; }
  .n { text-align: right; white-space: nowrap; }
  .totals { width: auto; margin-left: auto; }
  .totals td { border: none; }
  .grand td { font-weight: 700; font-size: 1.1rem; border-top: 2px solid #1a1a1a; }
  .terms { font-size: .85rem; color: #333; border-top: 1px solid #ddd; padding-top: 1rem; margin-top: 2rem; }
  .status { display: inline-block; padding: .1rem .5rem; border: 1px solid #999; border-radius: 3px; font-size: .85rem; }
  small { color: #666; }
  @media print { body { margin: 0; max-width: none; } th { background: none; } }
</style>
</head>
<body>
<header>
  <div>
    <h1>${escapeHtml(title)}</h1>
    <div>Date d'émission : ${invoice.issuedAt ? frenchDate(parisDate(invoice.issuedAt)) : '—'}</div>
    <div>Date d'échéance : ${invoice.dueDate ? frenchDate(invoice.dueDate) : '—'}</div>
    <div>Période des prestations : ${escapeHtml(periodLabel(invoice.period))}</div>
  </div>
  <div><span class="status">${escapeHtml(statusLabels[invoice.status])}</span></div>
</header>
<div class="parties">
  <section>
    <h2>Émetteur</h2>
    ${
      seller
        ? `<strong>${escapeHtml(seller.name)}</strong><br>${address(seller)}<br>SIRET ${escapeHtml(seller.siret)}<br>N° TVA intracommunautaire ${escapeHtml(seller.vatNumber)}<br>${escapeHtml(seller.legalMentions)}${seller.email ? `<br>${escapeHtml(seller.email)}` : ''}`
        : '—'
    }
  </section>
  <section>
    <h2>Client</h2>
    ${buyer ? `<strong>${escapeHtml(buyer.name)}</strong><br>${address(buyer)}<br>${escapeHtml(buyer.email)}<br><small>Compte ${escapeHtml(buyer.tenantId)}</small>` : escapeHtml(invoice.tenantId)}
  </section>
</div>
<table>
  <thead><tr><th>Date</th><th>Désignation</th><th class="n">Montant HT</th><th class="n">TVA</th><th class="n">Montant TVA</th><th class="n">Montant TTC</th></tr></thead>
  <tbody>
${lines}
  </tbody>
</table>
<table class="totals">
  <thead><tr><th>Récapitulatif TVA</th><th class="n">Base HT</th><th class="n">TVA</th><th class="n">TTC</th></tr></thead>
  <tbody>
${recap}
  <tr><td>Total HT</td><td class="n" colspan="3">${formatMoney(invoice.total.net)}</td></tr>
  <tr><td>Total TVA</td><td class="n" colspan="3">${formatMoney(invoice.total.vat)}</td></tr>
  <tr class="grand"><td>Total TTC</td><td class="n" colspan="3">${formatMoney(invoice.total.gross)}</td></tr>
  </tbody>
</table>
<p class="terms">${escapeHtml(paymentTerms(days))}${invoice.stripe?.hostedInvoiceUrl ? `<br>Payer en ligne : <a href="${escapeHtml(invoice.stripe.hostedInvoiceUrl)}">${escapeHtml(invoice.stripe.hostedInvoiceUrl)}</a>` : ''}</p>
</body>
</html>
`;
}
