import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isObjectKey, type ObjectStore, type PresignedUpload, type UploadRequest } from './object-store.js';

/** Where the local runtime serves the store (`infra/local/object-store.ts`), on the API's port. */
export const LOCAL_OBJECTS_PATH = '/_objects';
/** The form fields a local upload may carry: S3's names, a signature of our own. */
const UPLOAD_FIELDS = new Set(['key', 'content-type', 'policy', 'x-local-signature']);

/** A refusal in S3's terms (its status, its error code), for the local server to answer. */
export interface StoreRefusal {
  status: number;
  code: string;
  message: string;
}

/** What a verified upload form allows: this key, this type, this many bytes. */
export interface AllowedUpload {
  key: string;
  contentType: string;
  minBytes: number;
  maxBytes: number;
}

interface Policy {
  expiration: string;
  conditions: Array<Record<string, string> | [string, ...unknown[]]>;
}

const refusal = (status: number, code: string, message: string): StoreRefusal => ({ status, code, message });

/**
 * The object store of the local runtime: files under a folder (`DATA_DIR/objects/`, so deleting
 * `.data` deletes them too), and signed URLs to the local runtime that mirror S3's presigned POST
 * and GET: an HMAC over a policy (key, type, size range, expiry) that `infra/local/object-store.ts`
 * checks before it takes a byte of the file. The signing key is made at first use and kept beside
 * the files (`.signing-key`, readable by its owner only), so URLs survive a restart.
 */
export class LocalObjectStore implements ObjectStore {
  readonly #directory: string;
  readonly #baseUrl: () => string;
  #secret: Buffer | undefined;

  constructor(options: { directory: string; baseUrl: () => string }) {
    this.#directory = options.directory;
    this.#baseUrl = options.baseUrl;
  }

  get directory(): string {
    return this.#directory;
  }

  /** The file of a key (the key checked first: no `..`, nothing hidden). */
  pathOf(key: string): string {
    if (!isObjectKey(key)) throw new Error(`Not an object key: ${JSON.stringify(key.slice(0, 80))}`);
    return join(this.#directory, ...key.split('/'));
  }

  #key(): Buffer {
    if (this.#secret) return this.#secret;
    const file = join(this.#directory, '.signing-key');
    mkdirSync(this.#directory, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    this.#secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (this.#secret.length < 32) throw new Error(`${file} does not hold a signing key: delete it to make a new one.`);
    return this.#secret;
  }

  #sign(purpose: 'upload' | 'read', text: string): string {
    return createHmac('sha256', this.#key()).update(`${purpose}\n${text}`).digest('base64url');
  }

  #signatureMatches(purpose: 'upload' | 'read', text: string, given: string): boolean {
    const expected = Buffer.from(this.#sign(purpose, text));
    const actual = Buffer.from(given);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  async presignUpload({ key, contentType, maxBytes, expiresSeconds }: UploadRequest): Promise<PresignedUpload> {
    this.pathOf(key);
    const expiresAt = new Date(Date.now() + expiresSeconds * 1000).toISOString();
    const policy: Policy = { expiration: expiresAt, conditions: [{ key }, { 'Content-Type': contentType }, ['content-length-range', 1, maxBytes]] };
    const encoded = Buffer.from(JSON.stringify(policy)).toString('base64');
    return {
      method: 'POST',
      url: `${this.#baseUrl()}${LOCAL_OBJECTS_PATH}/upload`,
      fields: { key, 'Content-Type': contentType, Policy: encoded, 'X-Local-Signature': this.#sign('upload', encoded) },
      expiresAt,
    };
  }

  /**
   * The checks S3 makes of a POST form, before the file: a signature over the policy, the policy
   * not expired, every field it names equal to what it says, no field it does not name. Field
   * names are compared without case, as S3 does.
   */
  verifyUpload(fields: ReadonlyMap<string, string>, now = new Date()): AllowedUpload | StoreRefusal {
    const policy = fields.get('policy');
    const signature = fields.get('x-local-signature');
    if (policy === undefined || signature === undefined) return refusal(403, 'AccessDenied', 'The form must carry Policy and X-Local-Signature.');
    if (!this.#signatureMatches('upload', policy, signature)) return refusal(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    let parsed: Policy;
    try {
      parsed = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as Policy;
    } catch {
      return refusal(400, 'InvalidPolicyDocument', 'Invalid Policy: the policy is not base64-encoded JSON.');
    }
    if (!(Date.parse(parsed.expiration) > now.getTime())) return refusal(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
    const extra = [...fields.keys()].filter((name) => !UPLOAD_FIELDS.has(name));
    if (extra.length > 0) return refusal(403, 'AccessDenied', `Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);
    const allowed: Partial<AllowedUpload> = {};
    for (const condition of parsed.conditions) {
      if (Array.isArray(condition)) {
        const [operator, min, max] = condition;
        if (operator !== 'content-length-range' || typeof min !== 'number' || typeof max !== 'number') return refusal(400, 'InvalidPolicyDocument', 'Invalid Policy: an unknown condition.');
        allowed.minBytes = min;
        allowed.maxBytes = max;
        continue;
      }
      for (const [name, value] of Object.entries(condition)) {
        if (fields.get(name.toLowerCase()) !== value) return refusal(403, 'AccessDenied', `Invalid according to Policy: Policy Condition failed: ["eq", "$${name}", ${JSON.stringify(value)}]`);
        if (name === 'key') allowed.key = value;
        if (name === 'Content-Type') allowed.contentType = value;
      }
    }
    if (allowed.key === undefined || allowed.contentType === undefined || allowed.maxBytes === undefined || allowed.minBytes === undefined) {
      return refusal(400, 'InvalidPolicyDocument', 'Invalid Policy: it must name the key, the Content-Type and a content-length-range.');
    }
    if (!isObjectKey(allowed.key)) return refusal(400, 'InvalidArgument', 'The key is not a valid object key.');
    return allowed as AllowedUpload;
  }

  async presignRead(key: string, { expiresSeconds, contentType }: { expiresSeconds: number; contentType: string }): Promise<string> {
    this.pathOf(key);
    const expires = String(Math.floor(Date.now() / 1000) + expiresSeconds);
    const signature = this.#sign('read', `${key}\n${contentType}\n${expires}`);
    const query = new URLSearchParams({ key, 'response-content-type': contentType, expires, signature });
    return `${this.#baseUrl()}${LOCAL_OBJECTS_PATH}/read?${query.toString()}`;
  }

  /** The checks of a presigned read: the signature over key, type and expiry, and the expiry. */
  verifyRead(query: URLSearchParams, now = new Date()): { key: string; contentType: string } | StoreRefusal {
    const key = query.get('key');
    const contentType = query.get('response-content-type');
    const expires = query.get('expires');
    const signature = query.get('signature');
    if (key === null || contentType === null || expires === null || signature === null) return refusal(403, 'AccessDenied', 'Query-string authentication requires key, response-content-type, expires and signature.');
    if (!this.#signatureMatches('read', `${key}\n${contentType}\n${expires}`, signature)) {
      return refusal(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    if (!(Number(expires) * 1000 > now.getTime())) return refusal(403, 'AccessDenied', 'Request has expired.');
    if (!isObjectKey(key)) return refusal(400, 'InvalidArgument', 'The key is not a valid object key.');
    return { key, contentType };
  }

  async read(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.pathOf(key)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Written whole or not at all: to a temporary file, then renamed over the key's file. */
  async write(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    const temporary = join(this.#directory, '.incoming', `${randomBytes(8).toString('hex')}.part`);
    await mkdir(dirname(temporary), { recursive: true, mode: 0o700 });
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(temporary, bytes, { mode: 0o600 });
    try {
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
