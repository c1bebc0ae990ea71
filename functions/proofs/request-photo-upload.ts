import { apiHandler } from '../../shared/http/handler.js';
import { proofRoutes } from '../../shared/proofs/routes.js';
import { requestPhotoUpload } from '../../shared/proofs/service.js';

export const handler = apiHandler(proofRoutes.requestPhotoUpload, async ({ params, body, principal }) => ({
  status: 201,
  body: await requestPhotoUpload(principal, params.id, body),
}));
