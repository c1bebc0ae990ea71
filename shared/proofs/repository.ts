import { defineEntity, tenantKey } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
import { isId } from '../ids.js';
import type { ImageType } from '../storage/images.js';
import { PROOF_RETENTION_DAYS, UPLOAD_RETENTION_DAYS } from './limits.js';
import type { PhotoPurpose } from './schemas.js';

const DAY_SECONDS = 86_400;

/**
 * A photo of a delivery: asked for by a courier (`pending`: an upload form was handed out), then
 * `stored` once the delivery was reported with it (its metadata removed, its type sniffed). The
 * bytes are in the object store; this is what the API knows of them.
 */
export interface Photo {
  id: string;
  tenantId: string;
  deliveryId: string;
  /** The courier who asked for the upload form. */
  courierId: string | null;
  purpose: PhotoPurpose;
  /** What the phone said it would upload. */
  declaredContentType: ImageType;
  declaredBytes: number;
  status: 'pending' | 'stored';
  /** Sniffed from the bytes once stored. */
  contentType: ImageType | null;
  bytes: number | null;
  createdAt: string;
  uploadExpiresAt: string;
  storedAt: string | null;
}

export type PhotoKey = Pick<Photo, 'tenantId' | 'deliveryId' | 'id'>;

/**
 * Keyed by tenant, photo and delivery: a photo id read with another delivery's id is not found.
 * It goes with its bytes: a pending photo a day after its form expired (the bucket deletes the
 * upload then), a stored one after the retention period (the bucket deletes the proof then).
 */
export const photos = defineEntity<Photo, PhotoKey>({
  name: 'photo',
  key: ({ tenantId, deliveryId, id }) => ({ pk: `${tenantKey(tenantId)}#PHOTO#${id}`, sk: `DLV#${deliveryId}` }),
  ttl: (photo) =>
    photo.status === 'stored' && photo.storedAt !== null
      ? Math.floor(Date.parse(photo.storedAt) / 1000) + (PROOF_RETENTION_DAYS + 1) * DAY_SECONDS
      : Math.floor(Date.parse(photo.uploadExpiresAt) / 1000) + (UPLOAD_RETENTION_DAYS + 1) * DAY_SECONDS,
});

export const photoRepository = {
  /** A new photo, the one write of the upload request (it commits the request's effect). */
  create(photo: Photo): TransactItem {
    return photos.create(photo);
  },

  async get(key: PhotoKey, consistent = false): Promise<Photo | undefined> {
    if (!isId('photo', key.id) || !isId('delivery', key.deliveryId)) return undefined;
    return photos.get(key, { consistent });
  },

  /** The photo stored: the whole item over the one there (its expiry moves to the retention period's end). */
  markStored(photo: Photo): TransactItem {
    return photos.replace(photo);
  },
};
