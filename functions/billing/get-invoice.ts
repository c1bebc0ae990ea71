import { invoiceHtml } from '../../shared/billing/invoice-html.js';
import { getInvoice } from '../../shared/billing/invoices.js';
import { config } from '../../shared/config.js';
import { apiHandler } from '../../shared/http/handler.js';
import { billingRoutes } from '../../shared/billing/routes.js';
import { wants } from '../../shared/billing/negotiate.js';

export const handler = apiHandler(billingRoutes.getInvoice, async ({ params, query, headers }) => {
  const invoice = await getInvoice(params.id);
  if (wants(query.format, headers.accept, 'html', 'text/html')) {
    return { status: 200, contentType: 'text/html; charset=utf-8', body: invoiceHtml(invoice, config.billing.paymentTermsDays) };
  }
  return { status: 200, body: invoice };
});
