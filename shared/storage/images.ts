/**
 * What a photo is, and the photo without what it says about where and when it was taken: pure
 * functions over bytes, no I/O, no decoding.
 *
 * Written here rather than taken from a library. The image libraries that re-encode (sharp: a
 * native addon of some 30 MB; jimp, the WASM codecs) lose quality at every pass and cost far more
 * than a proof photo needs. The pure-JavaScript metadata removers each cover part of the job:
 * exif-be-gone (a Node stream transform) handles JPEG and PNG but not WebP, keeps APP13 (IPTC)
 * and comments, and passes a broken file through; piexifjs and exifremove do JPEG alone (piexifjs
 * unreleased since 2019); the packages that claim all three formats are single-commit projects
 * or not on npm. The three containers are simple and documented (JPEG: ITU T.81 markers; PNG:
 * the chunk list of the PNG specification; WebP: RIFF chunks and the VP8X flags), so the code
 * below walks each container's structure, copies the image data across untouched, and refuses
 * what it cannot walk.
 *
 * Removed: JPEG APP1 (Exif with its GPS IFD, XMP), APP3–APP13 (APP13: Photoshop IRB, where IPTC
 * lives), APP15, COM, APP2 other than the ICC profile (an MPF index of other images), and anything
 * after the end of the image (MPF's second images and phone makers' trailers carry their own
 * Exif); PNG eXIf, tEXt, iTXt, zTXt, tIME and dSIG (a signature of what is no longer there), and
 * anything after IEND; WebP EXIF and XMP chunks, with the VP8X flags and the RIFF size fixed.
 * Kept: JPEG APP0 (JFIF), APP2 ICC profiles and APP14 (Adobe colour transform), every table,
 * frame and scan; every other PNG chunk, CRCs unchanged; every other WebP chunk.
 *
 * One consequence: a JPEG's Exif Orientation goes with the rest of its Exif, so a photo a phone
 * stored sideways (with "rotate 90°" in Exif) shows sideways. The courier's app uploads upright
 * pixels (it draws the photo to a canvas to shrink it anyway).
 */

export const imageTypes = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type ImageType = (typeof imageTypes)[number];

/** The bytes are not a well-formed image of their type (truncated, a length that runs past the end…). */
export class MalformedImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedImageError';
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function startsWith(bytes: Uint8Array, offset: number, text: string): boolean {
  return offset + text.length <= bytes.length && ascii(bytes, offset, text.length) === text;
}

/** The image type by its magic bytes, whatever the sender said; undefined for anything else. */
export function sniffImage(bytes: Uint8Array): ImageType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((byte, index) => bytes[index] === byte)) return 'image/png';
  if (bytes.length >= 12 && startsWith(bytes, 0, 'RIFF') && startsWith(bytes, 8, 'WEBP')) return 'image/webp';
  return undefined;
}

/** The image without its metadata, its image data byte for byte; throws `MalformedImageError`. */
export function stripMetadata(bytes: Uint8Array, type: ImageType): Uint8Array {
  switch (type) {
    case 'image/jpeg':
      return stripJpeg(bytes);
    case 'image/png':
      return stripPng(bytes);
    case 'image/webp':
      return stripWebp(bytes);
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

// ---- JPEG (ITU T.81 annex B) ----

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const COM = 0xfe;
const TEM = 0x01;
const isRst = (marker: number) => marker >= 0xd0 && marker <= 0xd7;
const isApp = (marker: number) => marker >= 0xe0 && marker <= 0xef;
/** Start of frame: C0–CF but DHT (C4), JPG (C8) and DAC (CC). */
const isSof = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** APP0 (JFIF), APP2 holding an ICC profile, APP14 (Adobe): what a decoder needs to show the colours right. */
function keepsApp(marker: number, bytes: Uint8Array, payload: number): boolean {
  if (marker === 0xe0 || marker === 0xee) return true;
  return marker === 0xe2 && startsWith(bytes, payload, 'ICC_PROFILE\0');
}

function stripJpeg(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) throw new MalformedImageError('JPEG: no start-of-image marker.');
  const kept: Uint8Array[] = [bytes.subarray(0, 2)];
  let offset = 2;
  let frames = 0;
  let scans = 0;
  for (;;) {
    if (offset >= bytes.length) throw new MalformedImageError('JPEG: the file ends before its end-of-image marker.');
    if (bytes[offset] !== 0xff) throw new MalformedImageError(`JPEG: a marker was expected at byte ${offset}.`);
    // A marker may be preceded by fill bytes (0xFF): they stay with it.
    let code = offset + 1;
    while (code < bytes.length && bytes[code] === 0xff) code += 1;
    if (code >= bytes.length) throw new MalformedImageError('JPEG: the file ends inside a marker.');
    const marker = bytes[code] as number;
    if (marker === EOI) {
      if (frames === 0 || scans === 0) throw new MalformedImageError('JPEG: no frame or no scan before the end of the image.');
      kept.push(bytes.subarray(offset, code + 1));
      // Whatever follows the end of the image (a second image of an MPF file, a maker's trailer) goes.
      return concat(kept);
    }
    if (marker === TEM) {
      kept.push(bytes.subarray(offset, code + 1));
      offset = code + 1;
      continue;
    }
    if (marker === 0x00 || marker === SOI || isRst(marker)) throw new MalformedImageError(`JPEG: marker 0xFF${marker.toString(16).toUpperCase().padStart(2, '0')} out of place at byte ${code - 1}.`);
    if (code + 2 >= bytes.length) throw new MalformedImageError('JPEG: the file ends inside a segment length.');
    const length = ((bytes[code + 1] as number) << 8) | (bytes[code + 2] as number);
    const end = code + 1 + length;
    if (length < 2 || end > bytes.length) throw new MalformedImageError(`JPEG: the segment at byte ${code - 1} runs past the end of the file.`);
    const payload = code + 3;
    if (isApp(marker) || marker === COM) {
      if (isApp(marker) && keepsApp(marker, bytes, payload)) kept.push(bytes.subarray(offset, end));
      offset = end;
      continue;
    }
    if (isSof(marker)) frames += 1;
    kept.push(bytes.subarray(offset, end));
    offset = end;
    if (marker !== SOS) continue;
    if (frames === 0) throw new MalformedImageError('JPEG: a scan before any frame header.');
    scans += 1;
    // The entropy-coded data, to the next marker: 0xFF00 is a stuffed byte, 0xFFD0–D7 a restart
    // marker, 0xFFFF a fill byte before a marker; any other 0xFFxx ends the scan.
    let scan = offset;
    for (;;) {
      const next = bytes.indexOf(0xff, scan);
      if (next === -1 || next + 1 >= bytes.length) throw new MalformedImageError('JPEG: the file ends inside a scan, before its end-of-image marker.');
      const following = bytes[next + 1] as number;
      if (following === 0x00 || isRst(following)) scan = next + 2;
      else if (following === 0xff) scan = next + 1;
      else {
        kept.push(bytes.subarray(offset, next));
        offset = next;
        break;
      }
    }
  }
}

// ---- PNG (PNG specification, third edition, chapter 5) ----

/** Ancillary chunks that describe the picture's making, not the picture. */
const PNG_METADATA = new Set(['eXIf', 'tEXt', 'iTXt', 'zTXt', 'tIME', 'dSIG']);

let crcTable: Uint32Array | undefined;

export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n += 1) {
      let c = n;
      for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function u32be(bytes: Uint8Array, offset: number): number {
  return (((bytes[offset] as number) << 24) | ((bytes[offset + 1] as number) << 16) | ((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number)) >>> 0;
}

function stripPng(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 8 || !PNG_SIGNATURE.every((byte, index) => bytes[index] === byte)) throw new MalformedImageError('PNG: no PNG signature.');
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let offset = 8;
  let first = true;
  let data = false;
  for (;;) {
    if (offset + 12 > bytes.length) throw new MalformedImageError('PNG: the file ends before its IEND chunk.');
    const length = u32be(bytes, offset);
    const type = ascii(bytes, offset + 4, 4);
    if (!/^[A-Za-z]{4}$/.test(type)) throw new MalformedImageError(`PNG: no chunk type at byte ${offset}.`);
    if (length > 0x7fffffff || offset + 12 + length > bytes.length) throw new MalformedImageError(`PNG: the ${type} chunk runs past the end of the file.`);
    const end = offset + 12 + length;
    if (crc32(bytes.subarray(offset + 4, end - 4)) !== u32be(bytes, end - 4)) throw new MalformedImageError(`PNG: the ${type} chunk is damaged (its CRC does not match).`);
    if (first && type !== 'IHDR') throw new MalformedImageError('PNG: the first chunk is not IHDR.');
    first = false;
    if (type === 'IDAT') data = true;
    if (!PNG_METADATA.has(type)) kept.push(bytes.subarray(offset, end));
    offset = end;
    if (type === 'IEND') {
      if (!data) throw new MalformedImageError('PNG: no image data (IDAT) before IEND.');
      // Anything after IEND goes.
      return concat(kept);
    }
  }
}

// ---- WebP (RIFF container, RFC 9649) ----

const WEBP_METADATA = new Set(['EXIF', 'XMP ']);
/** VP8X flags: EXIF present, XMP present. */
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function u32le(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] as number) | ((bytes[offset + 1] as number) << 8) | ((bytes[offset + 2] as number) << 16) | ((bytes[offset + 3] as number) << 24)) >>> 0;
}

function stripWebp(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 12 || !startsWith(bytes, 0, 'RIFF') || !startsWith(bytes, 8, 'WEBP')) throw new MalformedImageError('WebP: no RIFF WEBP header.');
  const riffEnd = 8 + u32le(bytes, 4);
  if (riffEnd > bytes.length || riffEnd < 12) throw new MalformedImageError('WebP: the RIFF size runs past the end of the file.');
  const kept: Uint8Array[] = [];
  let offset = 12;
  let first: string | undefined;
  let image = false;
  while (offset < riffEnd) {
    if (offset + 8 > riffEnd) throw new MalformedImageError(`WebP: a chunk header is cut at byte ${offset}.`);
    const fourcc = ascii(bytes, offset, 4);
    const size = u32le(bytes, offset + 4);
    // Chunks are padded to an even size.
    const end = offset + 8 + size + (size & 1);
    if (end > riffEnd) throw new MalformedImageError(`WebP: the ${JSON.stringify(fourcc)} chunk runs past the end of the file.`);
    if (first === undefined) {
      first = fourcc;
      if (fourcc !== 'VP8 ' && fourcc !== 'VP8L' && fourcc !== 'VP8X') throw new MalformedImageError('WebP: the first chunk is not VP8, VP8L or VP8X.');
      if (fourcc === 'VP8X' && size < 10) throw new MalformedImageError('WebP: the VP8X chunk is too short.');
    }
    if (fourcc === 'VP8 ' || fourcc === 'VP8L' || fourcc === 'ANMF') image = true;
    if (!WEBP_METADATA.has(fourcc)) {
      if (fourcc === 'VP8X' && offset === 12) {
        const chunk = bytes.slice(offset, end);
        chunk[8] = (chunk[8] as number) & ~(VP8X_EXIF | VP8X_XMP);
        kept.push(chunk);
      } else kept.push(bytes.subarray(offset, end));
    }
    offset = end;
  }
  if (!image) throw new MalformedImageError('WebP: no image data (VP8, VP8L or ANMF chunk).');
  const body = concat(kept);
  const header = new Uint8Array(12);
  header.set(bytes.subarray(0, 12));
  const riffSize = 4 + body.length;
  header[4] = riffSize & 0xff;
  header[5] = (riffSize >>> 8) & 0xff;
  header[6] = (riffSize >>> 16) & 0xff;
  header[7] = (riffSize >>> 24) & 0xff;
  return concat([header, body]);
}
