import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { logger } from '../../shared/logging/logger.js';
import { localObjectStore } from '../../shared/storage/adapters.js';
import { LOCAL_OBJECTS_PATH, type AllowedUpload, type StoreRefusal } from '../../shared/storage/local.js';

/**
 * The local runtime's stand-in for S3 (`npm start`, the integration tests): the presigned POST
 * forms and GET URLs of the local object store (`shared/storage/local.ts`), answered on the API's
 * port under `/_objects/`, with S3's checks and S3's answers: a wrong or expired signature, a key
 * or type other than the form's, an extra field: 403; a file over the form's limit (or empty):
 * 400 `EntityTooLarge` (`EntityTooSmall`); success: 204. Errors are S3's XML documents.
 *
 * The body is read as it arrives, never whole: the form's fields first (S3 takes the file as the
 * last part), checked before a byte of the file is taken; the file then, counted as it comes and
 * refused as soon as it is over the limit (at once when the request's Content-Length already
 * says so). Past the limit nothing more is read: the answer goes out, the connection is closed.
 */

/** S3's limit on the form's fields (20 KB), with room. */
const MAX_FIELDS_BYTES = 64 * 1024;
const MAX_PART_HEADER_BYTES = 16 * 1024;
/** How long a refused upload's connection stays open for the client to read the answer, unread. */
const CLOSE_GRACE_MS = 1_000;

export function isObjectStorePath(path: string): boolean {
  return path === LOCAL_OBJECTS_PATH || path.startsWith(`${LOCAL_OBJECTS_PATH}/`);
}

function xml(text: string): string {
  return text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);
}

function errorDocument(refusal: StoreRefusal, extra: Record<string, string | number> = {}): string {
  const more = Object.entries(extra)
    .map(([name, value]) => `<${name}>${xml(String(value))}</${name}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xml(refusal.code)}</Code><Message>${xml(refusal.message)}</Message>${more}<RequestId>${randomBytes(8).toString('hex').toUpperCase()}</RequestId></Error>`;
}

/**
 * Answers a refusal. When the request's body is still coming, the connection is closed after the
 * answer (FIN at once, then the socket after a grace period in which nothing more is read), as
 * S3 does, rather than reading the rest of an upload only to throw it away.
 */
function refuse(request: IncomingMessage, response: ServerResponse, refusal: StoreRefusal, extra: Record<string, string | number> = {}): void {
  const body = Buffer.from(errorDocument(refusal, extra));
  const unread = !request.readableEnded;
  if (unread) request.pause();
  response.writeHead(refusal.status, { 'content-type': 'application/xml', 'content-length': String(body.length) });
  response.end(body, () => {
    if (!unread) return;
    const socket = request.socket;
    socket.end();
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  });
}

export async function serveObjectStore(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://local');
  try {
    if (url.pathname === `${LOCAL_OBJECTS_PATH}/upload` && request.method === 'POST') return await receiveUpload(request, response);
    if (url.pathname === `${LOCAL_OBJECTS_PATH}/read` && (request.method === 'GET' || request.method === 'HEAD')) {
      request.resume();
      return await sendObject(request, response, url.searchParams);
    }
    if (url.pathname === `${LOCAL_OBJECTS_PATH}/upload` || url.pathname === `${LOCAL_OBJECTS_PATH}/read`) {
      return refuse(request, response, { status: 405, code: 'MethodNotAllowed', message: 'The specified method is not allowed against this resource.' });
    }
    return refuse(request, response, { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' });
  } catch (error) {
    logger.error('local object store failed', { error: error as Error });
    if (!response.headersSent) refuse(request, response, { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' });
    else response.destroy();
  }
}

async function sendObject(request: IncomingMessage, response: ServerResponse, query: URLSearchParams): Promise<void> {
  const store = localObjectStore();
  const verdict = store.verifyRead(query);
  if ('status' in verdict) return refuse(request, response, verdict);
  const path = store.pathOf(verdict.key);
  const size = await stat(path).then(
    (found) => (found.isFile() ? found.size : undefined),
    () => undefined,
  );
  if (size === undefined) return refuse(request, response, { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' }, { Key: verdict.key });
  response.writeHead(200, {
    'content-type': verdict.contentType,
    'content-length': String(size),
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
  });
  if (request.method === 'HEAD') return void response.end();
  await new Promise<void>((done, fail) => {
    const stream = createReadStream(path);
    stream.on('error', fail);
    response.on('close', () => done());
    stream.pipe(response);
  });
}

/** The boundary of a multipart/form-data body, or undefined for any other body. */
function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

interface PartHeaders {
  name: string;
  filename: string | undefined;
}

function parsePartHeaders(text: string): PartHeaders | undefined {
  const disposition = text.split('\r\n').find((line) => /^content-disposition\s*:/i.test(line));
  if (!disposition || !/:\s*form-data\s*(;|$)/i.test(disposition)) return undefined;
  const parameter = (key: string) => new RegExp(`;\\s*${key}="([^"]*)"`, 'i').exec(disposition)?.[1] ?? new RegExp(`;\\s*${key}=([^;\\s]+)`, 'i').exec(disposition)?.[1];
  const name = parameter('name');
  return name === undefined ? undefined : { name, filename: parameter('filename') };
}

/**
 * Reads a POST form as it arrives: fields, then the file (the last part S3 reads: anything after
 * it is ignored), checked against the signed policy before the file's first byte is kept.
 */
function receiveUpload(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const store = localObjectStore();
  const malformed = (message: string): StoreRefusal => ({ status: 400, code: 'MalformedPOSTRequest', message: `The body of your POST request is not well-formed multipart/form-data: ${message}` });
  const boundary = boundaryOf(request.headers['content-type']);
  if (boundary === undefined) {
    refuse(request, response, malformed('the request must be sent as multipart/form-data with a boundary.'));
    return Promise.resolve();
  }
  const declaredLength = request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length']);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const headerEnd = Buffer.from('\r\n\r\n');
  const fields = new Map<string, string>();

  return new Promise<void>((done) => {
    // The first boundary has no CRLF before it: one is added, so every boundary is a delimiter.
    let buffer: Buffer = Buffer.from('\r\n');
    /** Bytes of the body received so far (the added CRLF is not one of them). */
    let received = 0;
    let state: 'preamble' | 'boundary' | 'headers' | 'field' | 'file' | 'finished' = 'preamble';
    let fieldName = '';
    let fieldChunks: Buffer[] = [];
    let fieldBytes = 0;
    let allowed: AllowedUpload | undefined;
    let fileChunks: Buffer[] = [];
    let fileBytes = 0;

    const finish = (action: () => void | Promise<void>) => {
      if (state === 'finished') return;
      state = 'finished';
      request.off('data', onData);
      request.off('end', onEnd);
      Promise.resolve()
        .then(action)
        .catch((error: unknown) => {
          logger.error('local object store failed', { error: error as Error });
          if (!response.headersSent) refuse(request, response, { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' });
        })
        .finally(done);
    };
    /** Refuses the upload; false, so the reading stops. */
    const fail = (refusal: StoreRefusal, extra?: Record<string, string | number>): false => {
      finish(() => refuse(request, response, refusal, extra));
      return false;
    };
    const tooLarge = (max: number) => fail({ status: 400, code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size.' }, { MaxSizeAllowed: max });

    const keep = async (upload: AllowedUpload) => {
      if (fileBytes < upload.minBytes) return refuse(request, response, { status: 400, code: 'EntityTooSmall', message: 'Your proposed upload is smaller than the minimum allowed size.' }, { MinSizeAllowed: upload.minBytes });
      const bytes = Buffer.concat(fileChunks);
      fileChunks = [];
      await store.write(upload.key, bytes);
      // What follows the file (the closing boundary) is read and dropped, so the connection can serve another request.
      request.resume();
      response.writeHead(204, { etag: `"${createHash('md5').update(bytes).digest('hex')}"`, location: `/${upload.key}` });
      response.end();
    };

    /** The bytes of the current part: a field's kept (bounded), the file's counted and kept up to the limit. */
    const take = (bytes: Buffer): boolean => {
      if (bytes.length === 0) return true;
      if (state === 'field') {
        fieldBytes += bytes.length;
        if (fieldBytes > MAX_FIELDS_BYTES) return fail({ status: 400, code: 'MaxPostPreDataLengthExceeded', message: 'Your POST request fields preceding the upload file were too large.' });
        fieldChunks.push(Buffer.from(bytes));
        return true;
      }
      const upload = allowed as AllowedUpload;
      fileBytes += bytes.length;
      if (fileBytes > upload.maxBytes) return tooLarge(upload.maxBytes);
      fileChunks.push(Buffer.from(bytes));
      return true;
    };

    const step = (): boolean => {
      for (;;) {
        switch (state) {
          case 'preamble': {
            const at = buffer.indexOf(delimiter);
            if (at === -1) {
              if (received > MAX_FIELDS_BYTES) return fail(malformed('no boundary found.'));
              buffer = buffer.subarray(Math.max(0, buffer.length - delimiter.length + 1));
              return true;
            }
            buffer = buffer.subarray(at + delimiter.length);
            state = 'boundary';
            break;
          }
          case 'boundary': {
            if (buffer.length < 2) return true;
            if (buffer[0] === 0x2d && buffer[1] === 0x2d) {
              return fail({ status: 400, code: 'InvalidArgument', message: 'POST requires exactly one file upload per request.' });
            }
            if (buffer[0] !== 0x0d || buffer[1] !== 0x0a) return fail(malformed('a boundary is not followed by a line break.'));
            buffer = buffer.subarray(2);
            state = 'headers';
            break;
          }
          case 'headers': {
            const at = buffer.indexOf(headerEnd);
            if (at === -1) {
              if (buffer.length > MAX_PART_HEADER_BYTES) return fail(malformed("a part's headers are too long."));
              return true;
            }
            const headers = parsePartHeaders(buffer.subarray(0, at).toString('latin1'));
            buffer = buffer.subarray(at + headerEnd.length);
            if (!headers) return fail(malformed('a part has no form-data Content-Disposition with a name.'));
            if (headers.name.toLowerCase() !== 'file') {
              state = 'field';
              fieldName = headers.name.toLowerCase();
              fieldChunks = [];
              if (fields.has(fieldName)) return fail({ status: 400, code: 'InvalidArgument', message: `The field ${headers.name} is given twice.` });
              break;
            }
            // The file: every field is known, so the form is checked before the file's first byte is kept.
            const verdict = store.verifyUpload(fields);
            if ('status' in verdict) return fail(verdict);
            allowed = verdict;
            const fileStart = received - buffer.length;
            // Content-Length less what came before the file and the closing boundary: the file's size, about.
            if (declaredLength !== undefined && Number.isFinite(declaredLength) && declaredLength - fileStart - (boundary.length + 8) > verdict.maxBytes) return tooLarge(verdict.maxBytes);
            state = 'file';
            break;
          }
          case 'field':
          case 'file': {
            const at = buffer.indexOf(delimiter);
            if (at === -1) {
              // All but what could be the start of the delimiter.
              const safe = Math.max(0, buffer.length - delimiter.length + 1);
              if (!take(buffer.subarray(0, safe))) return false;
              buffer = buffer.subarray(safe);
              return true;
            }
            if (!take(buffer.subarray(0, at))) return false;
            buffer = buffer.subarray(at + delimiter.length);
            if (state === 'file') {
              const upload = allowed as AllowedUpload;
              finish(() => keep(upload));
              return false;
            }
            fields.set(fieldName, Buffer.concat(fieldChunks).toString('utf8'));
            state = 'boundary';
            break;
          }
          case 'finished':
            return false;
        }
      }
    };

    const onData = (chunk: Buffer) => {
      received += chunk.length;
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      step();
    };
    const onEnd = () => {
      if (state === 'file') fail({ status: 400, code: 'IncompleteBody', message: 'The request body ended inside the file.' });
      else fail(malformed('the body ended before its closing boundary.'));
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', () => finish(() => undefined));
  });
}
