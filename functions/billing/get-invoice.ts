import { invoiceHtml } from '../../shared/billing/invoice-html.js';
import { getInvoice } from '../../shared/billing/service.js';
import { config } from '../../shared/config.js';
import { apiHandler } from '../../shared/http/handler.js';
import { routes } from '../../shared/http/routes.js';
import { wants } from '../../shared/billing/negotiate.js';

export const handler = apiHandler(routes.getInvoice, async ({ params, query, headers }) => {
  const invoice = await getInvoice(params.id);
  if (wants(query.format, headers.accept, 'html', 'text/html')) {
    return { status: 200, contentType: 'text/html; charset=utf-8', body: invoiceHtml(invoice, config.billing.paymentTermsDays) };
  }
  return { status: 200, body: invoice };
});
