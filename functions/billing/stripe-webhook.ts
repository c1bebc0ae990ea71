import { receiveStripeWebhook } from '../../shared/billing/stripe-webhook.js';
import { apiHandler } from '../../shared/http/handler.js';
import { billingRoutes } from '../../shared/billing/routes.js';

/** No body schema on the route: nothing parses the body before the signature is checked over its exact bytes. */
export const handler = apiHandler(billingRoutes.stripeWebhook, async ({ rawBody, headers }) => ({
  status: 200,
  body: { received: true, outcome: await receiveStripeWebhook(rawBody, headers['stripe-signature']) },
}));
