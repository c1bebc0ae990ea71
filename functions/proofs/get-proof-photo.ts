import { apiHandler } from '../../shared/http/handler.js';
import { proofRoutes } from '../../shared/proofs/routes.js';
import { getProofPhoto } from '../../shared/proofs/service.js';

export const handler = apiHandler(proofRoutes.getProofPhoto, async ({ params, query, principal }) => ({
  status: 200,
  body: await getProofPhoto(principal, params.id, query.purpose),
}));
