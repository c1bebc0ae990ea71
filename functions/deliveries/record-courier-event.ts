import { recordCourierEvent } from '../../shared/deliveries/lifecycle.js';
import { apiHandler } from '../../shared/http/handler.js';
import { deliveryRoutes } from '../../shared/deliveries/routes.js';
import { responseLanguage } from '../../shared/i18n/language.js';
import { finalizeProofPhoto } from '../../shared/proofs/service.js';

export const handler = apiHandler(deliveryRoutes.courierEvent, async ({ params, body, principal, headers }) => ({
  status: 200,
  body: await recordCourierEvent(principal, params.id, body, responseLanguage(headers), new Date(), {
    // A photo or a signature is checked (an image, within the limit), cleaned of its metadata and
    // kept before the delivery is recorded with it.
    async beforeDelivered(delivery, proof) {
      const kept = [];
      if (proof.photoId !== undefined) kept.push(await finalizeProofPhoto({ principal, delivery, photoId: proof.photoId, purpose: 'proof' }));
      if (proof.signatureId !== undefined) kept.push(await finalizeProofPhoto({ principal, delivery, photoId: proof.signatureId, purpose: 'signature' }));
      // Each photo's record is marked stored in the delivery's own transaction.
      return kept.map((photo) => photo.commit);
    },
  }),
}));
