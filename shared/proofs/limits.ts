/**
 * The limits of proof-of-delivery photos and where they are kept, read by the service, the
 * stack (the bucket's lifecycle rules) and the docs (docs/proof-photos.md).
 */

/** The most a photo may weigh: 10 MB (MiB: 10 × 1024 × 1024 bytes). A phone photo at full resolution is 2–6 MB. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** How the limit is said in messages. */
export const MAX_PHOTO_LABEL = '10 MB';
/** How long an upload form (the presigned POST) works: 15 minutes. */
export const UPLOAD_URL_SECONDS = 15 * 60;
/** How long a URL to read a proof photo works: 5 minutes, enough to open it. */
export const READ_URL_SECONDS = 5 * 60;
/** How long a proof photo is kept after the delivery is reported: 180 days, then the bucket deletes it. */
export const PROOF_RETENTION_DAYS = 180;
/** How long an upload that was never used for a delivery is kept: 1 day. */
export const UPLOAD_RETENTION_DAYS = 1;

/**
 * Two prefixes, because S3's lifecycle rules filter by prefix (or tag), never by suffix: uploads
 * as they came from the phone, deleted after a day when no delivery used them, and proofs,
 * stripped of their metadata, kept for the retention period. The tenant and the delivery lead
 * the key, so a key names whose photo it is.
 */
export const UPLOAD_PREFIX = 'uploads/';
export const PROOF_PREFIX = 'proofs/';

export interface PhotoPlace {
  tenantId: string;
  deliveryId: string;
  photoId: string;
}

/** Where the phone uploads the photo (the raw bytes, metadata and all). */
export function uploadObjectKey({ tenantId, deliveryId, photoId }: PhotoPlace): string {
  return `${UPLOAD_PREFIX}${tenantId}/${deliveryId}/${photoId}`;
}

/** Where the photo is kept once stripped of its metadata. */
export function proofObjectKey({ tenantId, deliveryId, photoId }: PhotoPlace): string {
  return `${PROOF_PREFIX}${tenantId}/${deliveryId}/${photoId}`;
}
