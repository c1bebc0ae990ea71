import { booksScope } from '../../shared/auth/access.js';
import { documentFormat, invoiceDocument } from '../../shared/billing/documents.js';
import { invoiceLinesCsv } from '../../shared/billing/exports.js';
import { ciiXml, facturxPdf } from '../../shared/billing/facturx.js';
import { invoiceHtml } from '../../shared/billing/invoice-html.js';
import { getInvoice } from '../../shared/billing/invoices.js';
import { billingRoutes } from '../../shared/billing/routes.js';
import { config } from '../../shared/config.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(billingRoutes.getInvoice, async ({ params, query, headers, principal }) => {
  const invoice = await getInvoice(booksScope(principal), params.id);
  const file = (extension: string) => ({ 'content-disposition': `inline; filename="facture-${invoice.number}.${extension}"` });
  switch (documentFormat(query.format, headers.accept)) {
    case 'html':
      return { status: 200, contentType: 'text/html; charset=utf-8', body: invoiceHtml(invoice, config.billing.paymentTermsDays) };
    case 'pdf':
      return { status: 200, contentType: 'application/pdf', headers: file('pdf'), body: await facturxPdf(invoiceDocument(invoice)) };
    case 'xml':
      return { status: 200, contentType: 'application/xml; charset=utf-8', headers: file('xml'), body: ciiXml(invoiceDocument(invoice)) };
    case 'csv':
      return { status: 200, contentType: 'text/csv; charset=utf-8', headers: file('csv'), body: invoiceLinesCsv([invoice]) };
    case 'json':
      return { status: 200, body: invoice };
  }
});
