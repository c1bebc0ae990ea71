import { geoRoutes } from '../../shared/geo/routes.js';
import { searchAddresses } from '../../shared/geo/search.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(geoRoutes.searchAddresses, async ({ query }) => ({ status: 200, body: await searchAddresses(query.q, query.limit) }));
