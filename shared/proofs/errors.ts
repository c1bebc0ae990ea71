import { errorSet } from '../errors.js';

/**
 * The errors of this area, one set per part that raises them (`set.error(code, …)` type-checks only for a
 * code of the set). Routes list the sets of what they call; the OpenAPI document follows.
 */
/** Errors raised here: An upload slot for a delivery the courier does not have, one already reported, or a photo over the limit. */
export const photoUploadErrors = errorSet('resource_missing', 'invalid_transition', 'photo_too_large');

/** Errors raised here: Keeping the photo a courier reports a delivery with: not uploaded, not an image, too big. */
export const photoFinalizeErrors = errorSet('photo_missing', 'photo_type_invalid', 'photo_too_large', 'parameter_invalid');

/** Errors raised here: Reading a proof photo: no such delivery (or not yours), or no photo. */
export const proofPhotoReadErrors = errorSet('resource_missing');
