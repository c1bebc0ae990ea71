import { withholdsPersonalData } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { writeOne, type TransactItem } from '../db/transact.js';
import { loadDelivery } from '../deliveries/access.js';
import type { Delivery } from '../deliveries/schemas.js';
import { truncate } from '../errors.js';
import { newId } from '../ids.js';
import { activeObjectStore } from '../storage/adapters.js';
import { MalformedImageError, sniffImage, stripMetadata, type ImageType } from '../storage/images.js';
import { photoFinalizeErrors, photoUploadErrors, proofPhotoReadErrors } from './errors.js';
import { MAX_PHOTO_BYTES, MAX_PHOTO_LABEL, proofObjectKey, READ_URL_SECONDS, uploadObjectKey, UPLOAD_URL_SECONDS } from './limits.js';
import { photoRepository, type Photo } from './repository.js';
import type { PhotoPurpose, PhotoUpload, ProofPhoto, RequestPhotoUploadBody } from './schemas.js';

/** `12.4 MB`: a size as people read it, in the unit of the limit. */
function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * A courier asks to upload a photo of a delivery on its round, under way (another courier's is a
 * 409 `not_on_round`, as for the courier's other steps): a form signed for one object
 * (its key, its type, at most 10 MB, for 15 minutes) that the phone posts to the store itself, so
 * the photo never passes through the API. The photo is recorded `pending`, in the one write that
 * also completes the request's `Idempotency-Key`: a retry answers the same form.
 */
export async function requestPhotoUpload(principal: Principal, deliveryId: string, body: RequestPhotoUploadBody, now = new Date()): Promise<PhotoUpload> {
  const delivery = await loadDelivery(principal, deliveryId);
  if (delivery.status !== 'assigned' && delivery.status !== 'picked_up') {
    throw photoUploadErrors.error('invalid_transition', `A photo goes with a delivery under way: this one is ${delivery.status.replaceAll('_', ' ')}.`);
  }
  if (body.sizeBytes > MAX_PHOTO_BYTES) {
    throw photoUploadErrors.error('photo_too_large', `The photo is ${megabytes(body.sizeBytes)}: the limit is ${MAX_PHOTO_LABEL}. Take it again at a lower resolution.`, { param: 'sizeBytes' });
  }
  const photoId = newId('photo', now.getTime());
  const store = await activeObjectStore();
  const form = await store.presignUpload({
    key: uploadObjectKey({ tenantId: delivery.tenantId, deliveryId: delivery.id, photoId }),
    contentType: body.contentType,
    maxBytes: MAX_PHOTO_BYTES,
    expiresSeconds: UPLOAD_URL_SECONDS,
  });
  const photo: Photo = {
    id: photoId,
    tenantId: delivery.tenantId,
    deliveryId: delivery.id,
    courierId: principal.role === 'courier' ? principal.courierId : null,
    purpose: body.purpose,
    declaredContentType: body.contentType,
    declaredBytes: body.sizeBytes,
    status: 'pending',
    contentType: null,
    bytes: null,
    createdAt: now.toISOString(),
    uploadExpiresAt: form.expiresAt,
    storedAt: null,
  };
  const answer: PhotoUpload = {
    id: photoId,
    object: 'photo_upload',
    purpose: body.purpose,
    maxBytes: MAX_PHOTO_BYTES,
    expiresAt: form.expiresAt,
    upload: { method: form.method, url: form.url, fields: form.fields },
  };
  await writeOne(photoRepository.create(photo), () => new Error(`Photo ${photoId} exists already`), { result: answer });
  return answer;
}

export interface FinalizedPhoto {
  photoId: string;
  /** Sniffed from the bytes, whatever the phone declared. */
  contentType: ImageType;
  /** The size of the stored photo (without its metadata). */
  bytes: number;
  /**
   * The photo marked `stored`: add it to the transaction that records the delivery (an entry of
   * `Change.extra` in shared/deliveries/lifecycle.ts), so the photo and the delivery's proof
   * commit together. It is not written here: the delivered step is an idempotent request, whose
   * first write must be the one that commits its effect (shared/db/effect.ts).
   */
  commit: { item: TransactItem; onFailure: () => Error };
}

/**
 * Keeps the photo a delivery is reported with (the delivered step calls this for `proof.photoId`
 * and `proof.signatureId`): reads what the phone uploaded, refuses what is not a JPEG, PNG or WebP
 * image by its content or is over the limit, removes its location and other metadata
 * (`stripMetadata`), stores it under `proofs/` with the sniffed type and removes the upload.
 * Called again for the same photo (a retry, a repeat of the report), it answers the same: from the
 * record once the report committed, from the stored proof if an earlier attempt stored it but its
 * report did not commit.
 */
export async function finalizeProofPhoto({
  principal,
  delivery,
  photoId,
  purpose,
}: {
  principal: Principal;
  delivery: Pick<Delivery, 'id' | 'tenantId'>;
  photoId: string;
  purpose: PhotoPurpose;
}): Promise<FinalizedPhoto> {
  const param = purpose === 'proof' ? 'proof.photoId' : 'proof.signatureId';
  const place = { tenantId: delivery.tenantId, deliveryId: delivery.id, photoId };
  const photo = await photoRepository.get({ tenantId: delivery.tenantId, deliveryId: delivery.id, id: photoId }, true);
  if (!photo || (principal.role === 'courier' && photo.courierId !== principal.courierId)) {
    throw photoFinalizeErrors.error(
      'photo_missing',
      `No photo '${truncate(photoId)}' was asked for with this delivery: ask for an upload (POST /v1/courier/deliveries/${delivery.id}/photos) and upload the photo before reporting the delivery.`,
      { param },
    );
  }
  if (photo.purpose !== purpose) {
    throw photoFinalizeErrors.error('parameter_invalid', `${param}: photo '${photoId}' was uploaded as a ${photo.purpose}, not as a ${purpose}.`, { param });
  }
  const finalized = (stored: Photo): FinalizedPhoto => ({
    photoId,
    contentType: stored.contentType as ImageType,
    bytes: stored.bytes as number,
    commit: {
      item: photoRepository.markStored(stored),
      onFailure: () => photoFinalizeErrors.error('photo_missing', `Photo '${photoId}' expired before the delivery was reported: upload it again.`, { param }),
    },
  });
  if (photo.status === 'stored' && photo.contentType !== null && photo.bytes !== null) return finalized(photo);

  const store = await activeObjectStore();
  const uploadKey = uploadObjectKey(place);
  const proofKey = proofObjectKey(place);
  const uploaded = await store.read(uploadKey);
  // No upload: either none was made, or an earlier attempt stored the proof (and removed the
  // upload) but its report did not commit (refused, or the process died): the proof is the photo.
  const bytes = uploaded ?? (await store.read(proofKey));
  if (bytes === undefined) {
    throw photoFinalizeErrors.error('photo_missing', `Photo '${photoId}' was not uploaded: upload it (the form POST /v1/courier/deliveries/${delivery.id}/photos answered) before reporting the delivery.`, { param });
  }
  if (bytes.length > MAX_PHOTO_BYTES) {
    throw photoFinalizeErrors.error('photo_too_large', `The photo is ${megabytes(bytes.length)}: the limit is ${MAX_PHOTO_LABEL}.`, { param });
  }
  const contentType = sniffImage(bytes);
  if (contentType === undefined) throw photoFinalizeErrors.error('photo_type_invalid', 'The uploaded file is not a JPEG, PNG or WebP image.', { param });
  let stripped: Uint8Array;
  try {
    stripped = stripMetadata(bytes, contentType);
  } catch (error) {
    if (!(error instanceof MalformedImageError)) throw error;
    throw photoFinalizeErrors.error('photo_type_invalid', `The uploaded ${contentType.slice('image/'.length).toUpperCase()} image is damaged (${error.message}) and cannot be kept.`, { param, cause: error });
  }
  if (uploaded !== undefined) {
    await store.write(proofKey, stripped, contentType);
    await store.remove(uploadKey);
  }
  return finalized({ ...photo, status: 'stored', contentType, bytes: stripped.length, storedAt: new Date().toISOString() });
}

/** The photo id a delivery's proof names for this purpose (read defensively: older deliveries have none). */
function proofPhotoIdOf(delivery: Delivery, purpose: PhotoPurpose): string | undefined {
  const proof = delivery.proof as Record<string, unknown> | null | undefined;
  const id = proof?.[purpose === 'proof' ? 'photoId' : 'signatureId'];
  return typeof id === 'string' ? id : undefined;
}

/**
 * A short-lived URL to a delivery's proof photo (or signature), for the tenant that booked it and
 * the hub. Anyone else gets the 404 of a delivery that does not exist: another tenant (its
 * delivery is not found), an accountant (a photo of someone's door is personal data, which
 * accountants never see). The public tracking page never shows it.
 */
export async function getProofPhoto(principal: Principal, deliveryId: string, purpose: PhotoPurpose, now = new Date()): Promise<ProofPhoto> {
  if (withholdsPersonalData(principal)) throw proofPhotoReadErrors.notFound('proof photo of delivery', deliveryId);
  const delivery = await loadDelivery(principal, deliveryId);
  const photoId = proofPhotoIdOf(delivery, purpose);
  const photo = photoId === undefined ? undefined : await photoRepository.get({ tenantId: delivery.tenantId, deliveryId: delivery.id, id: photoId });
  if (!photo || photo.status !== 'stored' || photo.contentType === null) {
    throw proofPhotoReadErrors.notFound(purpose === 'proof' ? 'proof photo of delivery' : 'signature of delivery', deliveryId);
  }
  const store = await activeObjectStore();
  const expiresAt = new Date(now.getTime() + READ_URL_SECONDS * 1000).toISOString();
  const url = await store.presignRead(proofObjectKey({ tenantId: delivery.tenantId, deliveryId: delivery.id, photoId: photo.id }), { expiresSeconds: READ_URL_SECONDS, contentType: photo.contentType });
  return { object: 'proof_photo', url, contentType: photo.contentType, expiresAt };
}
