import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ObjectStore, PresignedUpload, UploadRequest } from './object-store.js';

/**
 * The S3 adapter of the object store (`PROOF_PHOTOS_BUCKET`): presigned POST forms for uploads,
 * presigned GETs for reads, and the function's own GetObject, PutObject and DeleteObject, which
 * are all its role may do on the bucket (`proofPhotos` in `infra/capabilities.ts`). Every object
 * is encrypted at rest: the bucket's default (SSE-S3), and the form demands it too.
 */
export class S3ObjectStore implements ObjectStore {
  readonly #bucket: string;
  readonly #client: S3Client;

  constructor(bucket: string, client: S3Client = new S3Client({})) {
    this.#bucket = bucket;
    this.#client = client;
  }

  async presignUpload({ key, contentType, maxBytes, expiresSeconds }: UploadRequest): Promise<PresignedUpload> {
    const expiresAt = new Date(Date.now() + expiresSeconds * 1000).toISOString();
    // createPresignedPost adds the bucket and the exact key to the policy's conditions itself.
    const { url, fields } = await createPresignedPost(this.#client, {
      Bucket: this.#bucket,
      Key: key,
      Expires: expiresSeconds,
      Fields: { 'Content-Type': contentType, 'x-amz-server-side-encryption': 'AES256' },
      Conditions: [
        ['content-length-range', 1, maxBytes],
        ['eq', '$Content-Type', contentType],
        ['eq', '$x-amz-server-side-encryption', 'AES256'],
      ],
    });
    return { method: 'POST', url, fields, expiresAt };
  }

  async read(key: string): Promise<Uint8Array | undefined> {
    try {
      const { Body } = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      return Body ? await Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      // A missing key is NoSuchKey (404) to a role that may list the bucket, AccessDenied (403) to
      // one that may not, as this one (least privilege: no s3:ListBucket).
      if (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'AccessDenied')) return undefined;
      throw error;
    }
  }

  async write(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: bytes, ContentType: contentType, ServerSideEncryption: 'AES256' }));
  }

  async remove(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
  }

  async presignRead(key: string, { expiresSeconds, contentType }: { expiresSeconds: number; contentType: string }): Promise<string> {
    return getSignedUrl(this.#client, new GetObjectCommand({ Bucket: this.#bucket, Key: key, ResponseContentType: contentType, ResponseCacheControl: 'private, no-store' }), {
      expiresIn: expiresSeconds,
    });
  }
}
