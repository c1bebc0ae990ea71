/**
 * The port objects (proof-of-delivery photos) go through: an S3 bucket in AWS
 * (`PROOF_PHOTOS_BUCKET`, `s3.ts`), files under the local runtime's data folder otherwise
 * (`local.ts`, served by `infra/local/object-store.ts`). The bytes of an upload never pass
 * through the API: the API hands out a short-lived signed form, the client posts the file to
 * the store itself, and the store enforces the form's limits (key, type, size, expiry).
 */

/** What a client posts: every field, then the file as the last part of a multipart/form-data body. */
export interface PresignedUpload {
  method: 'POST';
  url: string;
  fields: Record<string, string>;
  /** ISO instant after which the store refuses the form. */
  expiresAt: string;
}

export interface UploadRequest {
  /** The object's exact key: the form is valid for this key alone. */
  key: string;
  /** The `Content-Type` field the form must carry (and the object is stored with). */
  contentType: string;
  /** The store refuses a file of more bytes than this (and an empty one). */
  maxBytes: number;
  expiresSeconds: number;
}

export interface ObjectStore {
  /** A signed form to upload one object, within the limits given. */
  presignUpload(request: UploadRequest): Promise<PresignedUpload>;
  /** The object's bytes, or undefined when there is none under this key. */
  read(key: string): Promise<Uint8Array | undefined>;
  write(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Removes the object; nothing happens when there is none. */
  remove(key: string): Promise<void>;
  /** A short-lived URL that reads the object, answered with this content type. */
  presignRead(key: string, options: { expiresSeconds: number; contentType: string }): Promise<string>;
}

/**
 * Keys are paths of plain segments (`proofs/ten_…/dlv_…/pho_…`): no empty segment, none that
 * starts with a dot (no `..`, nothing hidden), nothing a file system or a URL treats specially.
 */
export function isObjectKey(key: string): boolean {
  return key.length > 0 && key.length <= 512 && key.split('/').every((segment) => /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(segment));
}
