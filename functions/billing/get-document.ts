import { documentFor } from '../../shared/billing/document-service.js';
import { billingRoutes } from '../../shared/billing/routes.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(billingRoutes.getDocument, async ({ params }) => {
  const { fileName, pdf } = await documentFor(params.token);
  return { status: 200, contentType: 'application/pdf', headers: { 'content-disposition': `inline; filename="${fileName}"`, 'referrer-policy': 'no-referrer' }, body: pdf };
});
