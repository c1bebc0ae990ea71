import { courierRoutes } from '../../shared/couriers/routes.js';
import { deleteShift } from '../../shared/couriers/service.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(courierRoutes.deleteShift, async ({ params }) => {
  await deleteShift(params.id, params.date);
  return { status: 204 };
});
