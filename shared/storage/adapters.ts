import { join } from 'node:path';
import { config } from '../config.js';
import { LocalObjectStore } from './local.js';
import type { ObjectStore } from './object-store.js';

let override: ObjectStore | undefined;
let s3: { bucket: string; store: Promise<ObjectStore> } | undefined;
let local: LocalObjectStore | undefined;

function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** The folder of the local store: `LOCAL_OBJECTS_DIR`, else `objects/` in the data folder (`DATA_DIR`, `.data`). */
export function localObjectsDirectory(): string {
  return env('LOCAL_OBJECTS_DIR') ?? join(env('DATA_DIR') ?? '.data', 'objects');
}

/**
 * The local store of this process's configuration: files under `localObjectsDirectory()`,
 * signed URLs to the local runtime (`PUBLIC_BASE_URL`). The local runtime serves it.
 */
export function localObjectStore(): LocalObjectStore {
  const directory = localObjectsDirectory();
  if (local?.directory !== directory) local = new LocalObjectStore({ directory, baseUrl: () => config.publicBaseUrl });
  return local;
}

/**
 * The object store the environment chooses: the S3 bucket named by `PROOF_PHOTOS_BUCKET` (set by
 * the stack on the functions that need `proofPhotos`), else the local store, which only the
 * local runtime serves: a function in AWS without the bucket is a configuration error, said so.
 * The S3 client is loaded on first use, so functions that never store a photo never pay for it.
 */
export async function activeObjectStore(): Promise<ObjectStore> {
  if (override) return override;
  const bucket = env('PROOF_PHOTOS_BUCKET');
  if (bucket !== undefined) {
    if (s3?.bucket !== bucket) s3 = { bucket, store: import('./s3.js').then(({ S3ObjectStore }) => new S3ObjectStore(bucket)) };
    return s3.store;
  }
  if (!config.isLocal && env('AWS_LAMBDA_FUNCTION_NAME') !== undefined) {
    throw new Error("PROOF_PHOTOS_BUCKET is not set: this function was not given the proofPhotos capability (its route's `needs`).");
  }
  return localObjectStore();
}

/** Tests swap the store. */
export function setObjectStore(store: ObjectStore | undefined): void {
  override = store;
}
