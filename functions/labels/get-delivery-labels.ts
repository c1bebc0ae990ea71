import { apiHandler } from '../../shared/http/handler.js';
import { labelRoutes } from '../../shared/labels/routes.js';
import { deliveryLabels } from '../../shared/labels/service.js';

export const handler = apiHandler(labelRoutes.getDeliveryLabels, async ({ params, query, principal }) => {
  const file = await deliveryLabels(principal, params.id, query.format);
  return { status: 200, contentType: 'application/pdf', headers: { 'content-disposition': `inline; filename="${file.fileName}"` }, body: file.body };
});
