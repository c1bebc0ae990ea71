import { apiHandler } from '../../shared/http/handler.js';
import { integrationRoutes } from '../../shared/integrations/routes.js';
import { receiveOrder } from '../../shared/integrations/service.js';

/** Public and signed: the signature is checked over the exact bytes before anything is parsed. */
export const handler = apiHandler(integrationRoutes.inboundOrder, async ({ params, rawBytes, headers }) => {
  const answer = await receiveOrder(params.integrationId, rawBytes, headers, headers['x-shopify-topic'] ?? headers['x-wc-webhook-topic']);
  return answer;
});
