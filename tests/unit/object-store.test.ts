import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../shared/storage/local.js';
import { isObjectKey } from '../../shared/storage/object-store.js';
import { S3ObjectStore } from '../../shared/storage/s3.js';

const MAX = 10 * 1024 * 1024;
const fieldsOf = (fields: Record<string, string>) => new Map(Object.entries(fields).map(([name, value]) => [name.toLowerCase(), value]));

describe('object keys', () => {
  it.each(['proofs/ten_1/dlv_2/pho_3', 'uploads/a/b', 'a', 'a.b/c-d_e'])('takes %s', (key) => expect(isObjectKey(key)).toBe(true));
  it.each(['', '/proofs/a', 'proofs//a', 'proofs/../etc/passwd', '.signing-key', 'a/.hidden', 'a b', 'a/b\\c', 'a/%2e%2e', `${'a'.repeat(513)}`])('refuses %s', (key) => expect(isObjectKey(key)).toBe(false));
});

describe('the local object store', () => {
  const directory = mkdtempSync(join(tmpdir(), 'objects-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const store = new LocalObjectStore({ directory, baseUrl: () => 'http://localhost:3999' });

  it('writes, reads and removes files under its folder, whole or not at all', async () => {
    expect(await store.read('proofs/t/d/p')).toBeUndefined();
    await store.write('proofs/t/d/p', Uint8Array.from([1, 2, 3]));
    expect([...((await store.read('proofs/t/d/p')) ?? [])]).toEqual([1, 2, 3]);
    expect(statSync(join(directory, 'proofs', 't', 'd', 'p')).mode & 0o777).toBe(0o600);
    await store.remove('proofs/t/d/p');
    await store.remove('proofs/t/d/p');
    expect(await store.read('proofs/t/d/p')).toBeUndefined();
    await expect(store.write('../outside', Uint8Array.from([1]))).rejects.toThrow('Not an object key');
    await expect(store.read('proofs/../../x')).rejects.toThrow('Not an object key');
  });

  it('signs an upload form that allows this key, this type, up to this size, until it expires', async () => {
    const form = await store.presignUpload({ key: 'uploads/t/d/p', contentType: 'image/jpeg', maxBytes: MAX, expiresSeconds: 900 });
    expect(form).toMatchObject({ method: 'POST', url: 'http://localhost:3999/_objects/upload' });
    expect(Object.keys(form.fields).sort()).toEqual(['Content-Type', 'Policy', 'X-Local-Signature', 'key']);
    expect(Date.parse(form.expiresAt) - Date.now()).toBeGreaterThan(899_000);
    expect(store.verifyUpload(fieldsOf(form.fields))).toEqual({ key: 'uploads/t/d/p', contentType: 'image/jpeg', minBytes: 1, maxBytes: MAX });
    // The signing key is kept beside the files: another instance (a restart) verifies the same form.
    expect(new LocalObjectStore({ directory, baseUrl: () => '' }).verifyUpload(fieldsOf(form.fields))).toMatchObject({ key: 'uploads/t/d/p' });
  });

  it('refuses a form that was changed, is expired, or carries what its policy does not name, in S3\'s terms', async () => {
    const form = await store.presignUpload({ key: 'uploads/t/d/p', contentType: 'image/jpeg', maxBytes: MAX, expiresSeconds: 900 });
    const verify = (changes: Record<string, string | undefined>, now?: Date) => {
      const fields = { ...form.fields, ...changes };
      return store.verifyUpload(fieldsOf(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Record<string, string>), now);
    };
    const bigger = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(form.fields.Policy!, 'base64').toString()), conditions: [{ key: 'uploads/t/d/p' }, { 'Content-Type': 'image/jpeg' }, ['content-length-range', 1, 10 * MAX]] })).toString('base64');
    expect(verify({ Policy: bigger })).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(verify({ 'X-Local-Signature': 'x'.repeat(43) })).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(verify({ 'X-Local-Signature': undefined })).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(verify({ key: 'uploads/other-tenant/d/p' })).toMatchObject({ status: 403, code: 'AccessDenied', message: expect.stringContaining('$key') });
    expect(verify({ 'Content-Type': 'text/html' })).toMatchObject({ status: 403, code: 'AccessDenied', message: expect.stringContaining('$Content-Type') });
    expect(verify({ 'x-amz-meta-gps': '45.4,4.3' })).toMatchObject({ status: 403, code: 'AccessDenied', message: expect.stringContaining('Extra input fields') });
    expect(verify({}, new Date(Date.now() + 901_000))).toMatchObject({ status: 403, code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' });
    // Another store (another machine's signing key) does not take it.
    const elsewhere = new LocalObjectStore({ directory: mkdtempSync(join(tmpdir(), 'objects-')), baseUrl: () => '' });
    expect(elsewhere.verifyUpload(fieldsOf(form.fields))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    rmSync(elsewhere.directory, { recursive: true, force: true });
  });

  it('signs reads of one key with one content type, for a while', async () => {
    const url = new URL(await store.presignRead('proofs/t/d/p', { expiresSeconds: 300, contentType: 'image/png' }));
    expect(url.origin + url.pathname).toBe('http://localhost:3999/_objects/read');
    expect(store.verifyRead(url.searchParams)).toEqual({ key: 'proofs/t/d/p', contentType: 'image/png' });
    const changed = (name: string, value: string) => {
      const query = new URLSearchParams(url.searchParams);
      query.set(name, value);
      return store.verifyRead(query);
    };
    expect(changed('key', 'proofs/t/d/other')).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(changed('response-content-type', 'text/html')).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(changed('expires', String(Number(url.searchParams.get('expires')) + 3600))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(store.verifyRead(url.searchParams, new Date(Date.now() + 301_000))).toMatchObject({ status: 403, code: 'AccessDenied', message: 'Request has expired.' });
  });
});

describe('the S3 adapter', () => {
  const s3 = mockClient(S3Client);
  const client = new S3Client({ region: 'eu-west-3', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
  const store = new S3ObjectStore('proof-photos-bucket', client);
  beforeEach(() => s3.reset());

  it('signs a POST form whose policy pins the bucket, the key, the type, 1 byte to the limit, and SSE', async () => {
    const form = await store.presignUpload({ key: 'uploads/ten_1/dlv_2/pho_3', contentType: 'image/webp', maxBytes: MAX, expiresSeconds: 900 });
    expect(form.method).toBe('POST');
    expect(form.url).toBe('https://proof-photos-bucket.s3.eu-west-3.amazonaws.com/');
    expect(form.fields).toMatchObject({ key: 'uploads/ten_1/dlv_2/pho_3', 'Content-Type': 'image/webp', 'x-amz-server-side-encryption': 'AES256', 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' });
    const policy = JSON.parse(Buffer.from(form.fields.Policy!, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 1, MAX],
        ['eq', '$Content-Type', 'image/webp'],
        ['eq', '$x-amz-server-side-encryption', 'AES256'],
        { bucket: 'proof-photos-bucket' },
        { key: 'uploads/ten_1/dlv_2/pho_3' },
      ]),
    );
    expect(Math.abs(Date.parse(policy.expiration) - Date.parse(form.expiresAt))).toBeLessThan(2_000);
    expect(Date.parse(form.expiresAt) - Date.now()).toBeGreaterThan(890_000);
  });

  it('signs a GET of one key, answered with the photo\'s type, for the time asked', async () => {
    const url = new URL(await store.presignRead('proofs/ten_1/dlv_2/pho_3', { expiresSeconds: 300, contentType: 'image/jpeg' }));
    expect(url.host).toBe('proof-photos-bucket.s3.eu-west-3.amazonaws.com');
    expect(url.pathname).toBe('/proofs/ten_1/dlv_2/pho_3');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('response-content-type')).toBe('image/jpeg');
  });

  it('reads, writes (encrypted) and removes objects; a missing one is undefined, whether S3 says NoSuchKey or AccessDenied', async () => {
    // The SDK's body: a stream with transformToByteArray.
    s3.on(GetObjectCommand, { Key: 'there' }).resolves({ Body: { transformToByteArray: async () => Uint8Array.from([7, 8, 9]) } as never });
    s3.on(GetObjectCommand, { Key: 'missing' }).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));
    s3.on(GetObjectCommand, { Key: 'unlisted' }).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }));
    s3.on(GetObjectCommand, { Key: 'broken' }).rejects(new S3ServiceException({ name: 'InternalError', $fault: 'server', message: 'We encountered an internal error.', $metadata: { httpStatusCode: 500 } }));
    expect([...((await store.read('there')) ?? [])]).toEqual([7, 8, 9]);
    expect(await store.read('missing')).toBeUndefined();
    expect(await store.read('unlisted')).toBeUndefined();
    await expect(store.read('broken')).rejects.toThrow('internal error');

    await store.write('proofs/a', Uint8Array.from([1]), 'image/png');
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({ Bucket: 'proof-photos-bucket', Key: 'proofs/a', ContentType: 'image/png', ServerSideEncryption: 'AES256' });
    await store.remove('uploads/a');
    expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({ Bucket: 'proof-photos-bucket', Key: 'uploads/a' });
  });
});
