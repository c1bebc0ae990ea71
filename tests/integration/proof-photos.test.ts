import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/auth/principal.js';
import { transact } from '../../shared/db/transact.js';
import { MAX_PHOTO_BYTES, proofObjectKey, uploadObjectKey } from '../../shared/proofs/limits.js';
import { finalizeProofPhoto } from '../../shared/proofs/service.js';
import { localObjectStore } from '../../shared/storage/adapters.js';
import { sniffImage } from '../../shared/storage/images.js';
import { carriesLocation, jpegStripped, jpegWithGps, pngStripped, pngWithMetadata } from '../fixtures/images.js';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';
import { quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

/**
 * Proof-of-delivery photos through the local runtime: the courier's upload slot, the upload to
 * the local object store (the stand-in for S3, with S3's checks), the photo kept without its
 * metadata, and who may read it. The delivered step (the lead's) keeps the photo with
 * `finalizeProofPhoto`; it is called here directly, in the runtime's own process.
 */
const objects = mkdtempSync(join(tmpdir(), 'proof-photos-'));
let api: TestApi;
let actors: Actors;
let hubAccountantKey: string;
let bookkeeperKey: string;
let keyCounter = 0;

beforeAll(async () => {
  process.env.LOCAL_OBJECTS_DIR = objects;
  api = await startTestApi();
  actors = await setUpActors(api);
  hubAccountantKey = (await api.call('POST', '/v1/hub/api-keys', { body: { role: 'accountant' } })).json.key;
  bookkeeperKey = (await api.call('POST', `/v1/tenants/${actors.tenantId}/api-keys`, { body: { role: 'accountant' } })).json.key;
});
afterAll(async () => {
  await api?.stop();
  delete process.env.LOCAL_OBJECTS_DIR;
  rmSync(objects, { recursive: true, force: true });
});

const courier = (): Principal => ({ role: 'courier', keyId: 'key_test', courierId: actors.courier.id });

async function assignedDelivery(): Promise<{ id: string; tenantId: string; token: string }> {
  const booked = await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: quoteBody() });
  expect(booked.status, booked.text).toBe(201);
  const assigned = await api.call('POST', `/v1/hub/deliveries/${booked.json.id}/assign`, { body: { courierId: actors.courier.id } });
  expect(assigned.status, assigned.text).toBe(200);
  return { id: booked.json.id, tenantId: booked.json.tenantId, token: booked.json.tracking.token };
}

const askUpload = (deliveryId: string, body: Record<string, unknown>, key = actors.courier.key, idempotencyKey = `photo-${Date.now()}-${(keyCounter += 1)}`) =>
  api.call('POST', `/v1/courier/deliveries/${deliveryId}/photos`, { key, body, headers: { 'idempotency-key': idempotencyKey } });

interface Slot {
  id: string;
  upload: { method: 'POST'; url: string; fields: Record<string, string> };
}

/** The phone's upload: every field of the form, then the file. */
async function upload(slot: Slot, file: Uint8Array, fields: Record<string, string> = slot.upload.fields) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([file]), 'photo');
  const response = await fetch(slot.upload.url, { method: 'POST', body: form });
  return { status: response.status, text: await response.text() };
}

/** What the delivered step does with the photo: keep it, and commit it with the report. */
async function finalize(delivery: { id: string; tenantId: string }, photoId: string, purpose: 'proof' | 'signature' = 'proof') {
  const kept = await finalizeProofPhoto({ principal: courier(), delivery, photoId, purpose });
  await transact([kept.commit.item], () => kept.commit.onFailure());
  return kept;
}

const stored = (delivery: { id: string; tenantId: string }, photoId: string) => localObjectStore().read(proofObjectKey({ tenantId: delivery.tenantId, deliveryId: delivery.id, photoId }));
const uploaded = (delivery: { id: string; tenantId: string }, photoId: string) => localObjectStore().read(uploadObjectKey({ tenantId: delivery.tenantId, deliveryId: delivery.id, photoId }));

describe('a courier photographs the parcel at the door', () => {
  let delivery: { id: string; tenantId: string; token: string };
  let photoId: string;

  it('gets an upload slot for a delivery it has: a form signed for one image of at most 10 MB, 15 minutes', async () => {
    delivery = await assignedDelivery();
    const image = jpegWithGps();
    const idempotencyKey = `photo-first-${Date.now()}`;
    const slot = await askUpload(delivery.id, { purpose: 'proof', contentType: 'image/jpeg', sizeBytes: image.length }, actors.courier.key, idempotencyKey);
    expect(slot.status, slot.text).toBe(201);
    expect(slot.json).toMatchObject({ id: expect.stringMatching(/^pho_/), object: 'photo_upload', purpose: 'proof', maxBytes: MAX_PHOTO_BYTES, upload: { method: 'POST' } });
    expect(slot.json.upload.url).toBe(`${process.env.PUBLIC_BASE_URL}/_objects/upload`);
    expect(slot.json.upload.fields).toMatchObject({ key: `uploads/${delivery.tenantId}/${delivery.id}/${slot.json.id}`, 'Content-Type': 'image/jpeg' });
    const minutes = (Date.parse(slot.json.expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    photoId = slot.json.id;

    // The same request again answers the same slot.
    const again = await askUpload(delivery.id, { purpose: 'proof', contentType: 'image/jpeg', sizeBytes: image.length }, actors.courier.key, idempotencyKey);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(slot.text);

    const posted = await upload(slot.json, image);
    expect(posted.status, posted.text).toBe(204);
    expect(carriesLocation((await uploaded(delivery, photoId))!)).toBe(true);
  });

  it('is kept without its location when the delivery is reported, the upload removed; again, the same answer', async () => {
    const kept = await finalize(delivery, photoId);
    expect(kept).toMatchObject({ photoId, contentType: 'image/jpeg', bytes: jpegStripped().length });
    const proof = await stored(delivery, photoId);
    expect([...proof!]).toEqual([...jpegStripped()]);
    expect(carriesLocation(proof!)).toBe(false);
    expect(await uploaded(delivery, photoId)).toBeUndefined();

    const again = await finalize(delivery, photoId);
    expect({ ...again, commit: undefined }).toEqual({ ...kept, commit: undefined });

    for (const step of [{ type: 'picked_up' }, { type: 'delivered', proof: { recipientName: 'Camille Martin', photoId } }]) {
      const reported = await api.call('POST', `/v1/courier/deliveries/${delivery.id}/events`, { key: actors.courier.key, body: step, headers: { 'idempotency-key': `step-${delivery.id}-${step.type}` } });
      expect(reported.status, reported.text).toBe(200);
    }
  });

  it('is shown to the tenant that booked the delivery and to the hub, through a short-lived URL', async () => {
    for (const key of [actors.tenantKey, undefined]) {
      const answer = await api.call('GET', `/v1/deliveries/${delivery.id}/proof/photo`, key === undefined ? {} : { key });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.json).toMatchObject({ object: 'proof_photo', contentType: 'image/jpeg' });
      expect((Date.parse(answer.json.expiresAt) - Date.now()) / 60_000).toBeLessThanOrEqual(5);
      const photo = await fetch(answer.json.url);
      expect(photo.status).toBe(200);
      expect(photo.headers.get('content-type')).toBe('image/jpeg');
      expect(photo.headers.get('cache-control')).toBe('private, no-store');
      const bytes = new Uint8Array(await photo.arrayBuffer());
      expect([...bytes]).toEqual([...jpegStripped()]);
      expect(carriesLocation(bytes)).toBe(false);
    }
  });

  it('is not found by another tenant, an accountant (the hub\'s or the tenant\'s own bookkeeper), nor as a signature; couriers may not ask', async () => {
    for (const key of [actors.otherTenantKey, hubAccountantKey, bookkeeperKey]) {
      expectError(await api.call('GET', `/v1/deliveries/${delivery.id}/proof/photo`, { key }), 404, 'resource_missing');
    }
    expectError(await api.call('GET', `/v1/deliveries/${delivery.id}/proof/photo?purpose=signature`, { key: actors.tenantKey }), 404, 'resource_missing');
    expectError(await api.call('GET', `/v1/deliveries/${delivery.id}/proof/photo`, { key: actors.courier.key }), 403, 'forbidden');
    expectError(await api.call('GET', `/v1/deliveries/${delivery.id}/proof/photo?purpose=selfie`, { key: actors.tenantKey }), 400, 'parameter_invalid');
  });

  it('is asked for while the delivery is under way, not once it is reported', async () => {
    expectError(await askUpload(delivery.id, { purpose: 'proof', contentType: 'image/jpeg', sizeBytes: 100 }), 409, 'invalid_transition');
  });

  it('never shows on the public tracking page', async () => {
    const tracking = await api.call('GET', `/v1/track/${delivery.token}`, { key: null });
    expect(tracking.status).toBe(200);
    expect(tracking.text).not.toContain(photoId);
    expect(tracking.text).not.toContain('_objects');
    const page = await fetch(`${api.runtime.apiUrl}/track/${delivery.token}`);
    const html = await page.text();
    expect(html).not.toContain(photoId);
    expect(html).not.toContain('_objects');
  });

  it('reads a proof (and a PNG, sniffed as one) only through a URL that is signed and not expired', async () => {
    const answer = await api.call('GET', `/v1/deliveries/${delivery.id}/proof/photo`, { key: actors.tenantKey });
    const url = new URL(answer.json.url);
    const tampered = new URL(url);
    tampered.searchParams.set('key', `proofs/${actors.otherTenantId}/${delivery.id}/${photoId}`);
    const refused = await fetch(tampered);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const expired = await fetch(await localObjectStore().presignRead(proofObjectKey({ tenantId: delivery.tenantId, deliveryId: delivery.id, photoId }), { expiresSeconds: -1, contentType: 'image/jpeg' }));
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Message>Request has expired.</Message>');
  });
});

describe('the local object store refuses what S3 would', () => {
  let delivery: { id: string; tenantId: string; token: string };
  let slot: Slot;
  beforeAll(async () => {
    delivery = await assignedDelivery();
    slot = (await askUpload(delivery.id, { purpose: 'proof', contentType: 'image/jpeg', sizeBytes: 5_000_000 })).json;
  });

  it('a file over the signed limit, said by its Content-Length: refused before it is read', async () => {
    const posted = await upload(slot, new Uint8Array(MAX_PHOTO_BYTES + 1));
    expect(posted.status).toBe(400);
    expect(posted.text).toContain('<Code>EntityTooLarge</Code>');
    expect(posted.text).toContain(`<MaxSizeAllowed>${MAX_PHOTO_BYTES}</MaxSizeAllowed>`);
    expect(await uploaded(delivery, slot.id)).toBeUndefined();
  });

  it('a 40 MB file sent without a length: refused once past the limit, the rest never read', async () => {
    const total = 40 * 1024 * 1024;
    const boundary = 'proof-photo-boundary';
    const head = Buffer.from(
      Object.entries(slot.upload.fields)
        .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
        .join('') + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    );
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    const url = new URL(slot.upload.url);
    const result = await new Promise<{ status: number; body: string; written: number }>((resolve, reject) => {
      let written = 0;
      let answered = false;
      const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' } }, (response) => {
        answered = true;
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (text: string) => (body += text));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, written }));
        response.on('error', reject);
      });
      // Writing fails once the store has closed the connection: the answer has come by then.
      request.on('error', (error) => (answered ? undefined : reject(error)));
      request.write(head);
      const pump = () => {
        while (!answered && written < total) {
          written += chunk.length;
          if (!request.write(chunk)) return void request.once('drain', pump);
        }
        if (!answered) request.end(`\r\n--${boundary}--\r\n`);
      };
      pump();
    });
    expect(result.status).toBe(400);
    expect(result.body).toContain('<Code>EntityTooLarge</Code>');
    // What the client could push into the sockets' buffers past the limit, but far from all 40 MB.
    expect(result.written).toBeLessThan(total * 0.8);
    expect(await uploaded(delivery, slot.id)).toBeUndefined();
  });

  it.each([
    ['a changed policy (a bigger limit)', (fields: Record<string, string>) => ({ ...fields, Policy: Buffer.from(Buffer.from(fields.Policy!, 'base64').toString().replace(String(MAX_PHOTO_BYTES), String(100 * MAX_PHOTO_BYTES))).toString('base64') }), 403, 'SignatureDoesNotMatch'],
    ['a wrong signature', (fields: Record<string, string>) => ({ ...fields, 'X-Local-Signature': `${fields['X-Local-Signature']!.slice(0, -2)}AA` }), 403, 'SignatureDoesNotMatch'],
    ['another key (another tenant\'s folder)', (fields: Record<string, string>) => ({ ...fields, key: `uploads/${actors.otherTenantId}/x/y` }), 403, 'AccessDenied'],
    ['another type than the form\'s', (fields: Record<string, string>) => ({ ...fields, 'Content-Type': 'text/html' }), 403, 'AccessDenied'],
    ['an extra field', (fields: Record<string, string>) => ({ ...fields, 'x-amz-meta-note': 'hello' }), 403, 'AccessDenied'],
  ])('%s: refused', async (_name, change, status, code) => {
    const posted = await upload(slot, jpegWithGps(), change(slot.upload.fields));
    expect(posted.status).toBe(status);
    expect(posted.text).toContain(`<Code>${code}</Code>`);
  });

  it('an expired form, an empty file, a body that is not a form', async () => {
    const key = uploadObjectKey({ tenantId: delivery.tenantId, deliveryId: delivery.id, photoId: slot.id });
    const expired = await localObjectStore().presignUpload({ key, contentType: 'image/jpeg', maxBytes: MAX_PHOTO_BYTES, expiresSeconds: -1 });
    const late = await upload({ id: slot.id, upload: expired }, jpegWithGps());
    expect(late.status).toBe(403);
    expect(late.text).toContain('Policy expired');
    const empty = await upload(slot, new Uint8Array());
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('<Code>EntityTooSmall</Code>');
    const json = await fetch(slot.upload.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(400);
    expect(await json.text()).toContain('<Code>MalformedPOSTRequest</Code>');
    expect(await uploaded(delivery, slot.id)).toBeUndefined();
    expect(readdirSync(objects).filter((name) => !name.startsWith('.') && name !== 'uploads' && name !== 'proofs')).toEqual([]);
  });
});

describe('bad photos are refused in the contract\'s shape', () => {
  it('a photo declared over 10 MB: 400 photo_too_large, naming the limit', async () => {
    const delivery = await assignedDelivery();
    const error = expectError(await askUpload(delivery.id, { purpose: 'proof', contentType: 'image/jpeg', sizeBytes: 11 * 1024 * 1024 }), 400, 'photo_too_large');
    expect(error.param).toBe('sizeBytes');
    expect(error.message).toContain('10 MB');
    expect(error.message).toContain('11.0 MB');
    expectError(await askUpload(delivery.id, { purpose: 'proof', contentType: 'image/gif', sizeBytes: 10 }), 400, 'parameter_invalid');
    expectError(await askUpload(delivery.id, { purpose: 'selfie', contentType: 'image/jpeg', sizeBytes: 10 }), 400, 'parameter_invalid');
  });

  it('another courier\'s delivery: 404 (never theirs); no such delivery: 404; another role: 403', async () => {
    const delivery = await assignedDelivery();
    expectError(await askUpload(delivery.id, { purpose: 'proof', contentType: 'image/jpeg', sizeBytes: 10 }, actors.otherCourier.key), 404, 'resource_missing');
    expectError(await askUpload('dlv_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', { purpose: 'proof', contentType: 'image/jpeg', sizeBytes: 10 }), 404, 'resource_missing');
    expectError(await askUpload(delivery.id, { purpose: 'proof', contentType: 'image/jpeg', sizeBytes: 10 }, actors.tenantKey), 403, 'forbidden');
  });

  it('at the report: a file that is not an image, a damaged image, no upload, another delivery\'s photo, a photo as a signature', async () => {
    const delivery = await assignedDelivery();
    const slotFor = async (purpose = 'proof') => (await askUpload(delivery.id, { purpose, contentType: 'image/jpeg', sizeBytes: 100 })).json as Slot;
    const refusal = async (photoId: string, purpose: 'proof' | 'signature' = 'proof', on = delivery) => {
      try {
        await finalizeProofPhoto({ principal: courier(), delivery: on, photoId, purpose });
      } catch (error) {
        return error as { code: string; status: number; param?: string; message: string };
      }
      throw new Error('not refused');
    };

    const text = await slotFor();
    expect((await upload(text, new TextEncoder().encode('<html>not a photo</html>'))).status).toBe(204);
    expect(await refusal(text.id)).toMatchObject({ code: 'photo_type_invalid', status: 400, param: 'proof.photoId' });

    const damaged = await slotFor();
    expect((await upload(damaged, jpegWithGps().subarray(0, 300))).status).toBe(204);
    expect(await refusal(damaged.id)).toMatchObject({ code: 'photo_type_invalid', message: expect.stringContaining('damaged') });

    const never = await slotFor();
    expect(await refusal(never.id)).toMatchObject({ code: 'photo_missing', status: 409, message: expect.stringContaining('upload') });
    expect(await refusal('pho_01JDQ6V7M5B8XK2ZQ3W4E5R6T7')).toMatchObject({ code: 'photo_missing' });

    const elsewhere = await assignedDelivery();
    const theirs = (await askUpload(elsewhere.id, { purpose: 'proof', contentType: 'image/png', sizeBytes: 100 })).json as Slot;
    expect((await upload(theirs, pngWithMetadata())).status).toBe(204);
    expect(await refusal(theirs.id)).toMatchObject({ code: 'photo_missing' });
    expect(await refusal(theirs.id, 'signature', elsewhere)).toMatchObject({ code: 'parameter_invalid', param: 'proof.signatureId' });
    // Another courier cannot use it either.
    await expect(finalizeProofPhoto({ principal: { role: 'courier', keyId: 'key_x', courierId: actors.otherCourier.id }, delivery: elsewhere, photoId: theirs.id, purpose: 'proof' })).rejects.toMatchObject({ code: 'photo_missing' });

    // Declared a JPEG, uploaded a PNG: kept as what it is.
    const kept = await finalize(elsewhere, theirs.id);
    expect(kept.contentType).toBe('image/png');
    const proof = await stored(elsewhere, theirs.id);
    expect(sniffImage(proof!)).toBe('image/png');
    expect([...proof!]).toEqual([...pngStripped()]);
  });

  it('a report retried after its first attempt stored the photo but did not commit: the same photo', async () => {
    const delivery = await assignedDelivery();
    const slot = (await askUpload(delivery.id, { purpose: 'signature', contentType: 'image/jpeg', sizeBytes: 100 })).json as Slot;
    expect((await upload(slot, jpegWithGps())).status).toBe(204);
    // The first attempt: stored, its transaction never committed.
    const first = await finalizeProofPhoto({ principal: courier(), delivery, photoId: slot.id, purpose: 'signature' });
    expect(await uploaded(delivery, slot.id)).toBeUndefined();
    const retry = await finalize(delivery, slot.id, 'signature');
    expect({ ...retry, commit: undefined }).toEqual({ ...first, commit: undefined });
    expect([...(await stored(delivery, slot.id))!]).toEqual([...jpegStripped()]);
  });
});
