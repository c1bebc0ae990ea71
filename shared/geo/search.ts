import { activeGeocoder } from './adapters.js';
import { GeocoderUnavailableError } from './geocoder.js';
import { geocodingErrors } from './errors.js';

/**
 * `GET /v1/addresses?q=`: what a person typed, as addresses to choose from (a booking form's
 * search field), through the geocoder port. Without an address service configured the list is
 * empty and `searchAvailable` false: the form then asks for the address as typed. An outage is a
 * 503 (`upstream_unavailable`), as for quotes.
 */
export async function searchAddresses(text: string, limit: number) {
  const geocoder = activeGeocoder();
  if (!geocoder?.search) return { data: [], hasMore: false, nextCursor: null, searchAvailable: false };
  try {
    return { data: await geocoder.search(text, limit), hasMore: false, nextCursor: null, searchAvailable: true };
  } catch (error) {
    if (error instanceof GeocoderUnavailableError) throw geocodingErrors.error('upstream_unavailable', 'The address service does not answer: type the address in full, or try again in a moment.', { headers: { 'retry-after': '30' } });
    throw error;
  }
}
