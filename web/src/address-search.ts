/** The address fields of a form (the same shape as `AddressForm` in ui.tsx). */
export interface AddressFields {
  line1: string;
  line2: string;
  postcode: string;
  city: string;
  lat: string;
  lng: string;
}

/** One answer of `GET /v1/addresses?q=`. */
export interface AddressCandidate {
  label: string;
  line1: string;
  postcode: string;
  city: string;
  lat: number;
  lng: number;
  score?: number;
}

/** Fewer characters than this and the API refuses the search (400): nothing is asked. */
export const MIN_SEARCH_LENGTH = 3;
export const SEARCH_DELAY_MS = 250;

export function shouldSearch(text: string): boolean {
  return text.trim().length >= MIN_SEARCH_LENGTH;
}

/**
 * A suggestion chosen: its street, postcode, town and coordinates fill the form; the second line
 * (a building, a floor) the person typed stays, as it is never in a geocoder's answer.
 */
export function candidateToForm(candidate: AddressCandidate, previous: AddressFields): AddressFields {
  return {
    line1: candidate.line1,
    line2: previous.line2,
    postcode: candidate.postcode,
    city: candidate.city,
    lat: String(candidate.lat),
    lng: String(candidate.lng),
  };
}

/** The label read out and shown for a suggestion: the service's, else built from its parts. */
export function candidateLabel(candidate: AddressCandidate): string {
  return candidate.label.trim() || [candidate.line1, `${candidate.postcode} ${candidate.city}`.trim()].filter(Boolean).join(', ');
}

/** The next highlighted suggestion for an arrow key, wrapping around; -1 when there is none. */
export function moveActive(active: number, count: number, key: 'ArrowDown' | 'ArrowUp' | 'Home' | 'End'): number {
  if (count === 0) return -1;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  if (key === 'ArrowDown') return active < 0 || active >= count - 1 ? 0 : active + 1;
  return active <= 0 ? count - 1 : active - 1;
}
