/**
 * Whether the caller asked for the alternative representation: by `format` in the query, or by
 * an `Accept` header that names its media type and not `application/json` (a browser's
 * `text/html,...,*\/*` picks HTML; an API client's `application/json` or nothing keeps JSON).
 */
export function wants(format: string | undefined, accept: string | undefined, name: string, mediaType: string): boolean {
  if (format !== undefined) return format === name;
  const types = (accept ?? '').split(',').map((part) => part.split(';')[0]?.trim().toLowerCase());
  return types.includes(mediaType) && !types.includes('application/json');
}
