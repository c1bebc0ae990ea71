import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedImageError, sniffImage, stripMetadata, type ImageType } from '../../shared/storage/images.js';
import {
  carriesLocation,
  jpegStripped,
  jpegWithGps,
  PNG_IDAT,
  PNG_IEND,
  PNG_IHDR,
  PNG_SIGNATURE,
  pngChunk,
  pngStripped,
  pngWithMetadata,
  riff,
  vp8x,
  WEBP_VP8L,
  webpChunk,
  webpStripped,
  webpWithExif,
} from '../fixtures/images.js';

const concat = (parts: readonly Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

describe('sniffImage', () => {
  it('tells JPEG, PNG and WebP by their magic bytes, whatever the name or declared type', () => {
    expect(sniffImage(jpegWithGps())).toBe('image/jpeg');
    expect(sniffImage(pngWithMetadata())).toBe('image/png');
    expect(sniffImage(webpWithExif())).toBe('image/webp');
  });

  it.each([
    ['text', new TextEncoder().encode('not an image at all')],
    ['a PDF', new TextEncoder().encode('%PDF-1.7\n')],
    ['a GIF', new TextEncoder().encode('GIF89a\x01\x00\x01\x00')],
    ['an HTML page', new TextEncoder().encode('<!doctype html><script>alert(1)</script>')],
    ['a RIFF that is not WebP (WAV)', new TextEncoder().encode('RIFF\x24\x00\x00\x00WAVEfmt ')],
    ['nothing', new Uint8Array()],
    ['two bytes of JPEG', Uint8Array.from([0xff, 0xd8])],
  ])('answers undefined for %s', (_name, bytes) => {
    expect(sniffImage(bytes)).toBeUndefined();
  });
});

describe('stripMetadata on real images', () => {
  it.each([
    ['a JPEG: Exif (GPS), XMP, IPTC and the comment go; JFIF, the ICC profile and the image stay', jpegWithGps, jpegStripped, 'image/jpeg'],
    ['a PNG: eXIf, tEXt, iTXt, zTXt and tIME go; the other chunks stay with their CRCs', pngWithMetadata, pngStripped, 'image/png'],
    ['a WebP: EXIF and XMP go, the VP8X flags and the RIFF size follow', webpWithExif, webpStripped, 'image/webp'],
  ] as const)('%s', (_name, original, expected, type: ImageType) => {
    expect(carriesLocation(original())).toBe(true);
    const stripped = stripMetadata(original(), type);
    expect([...stripped]).toEqual([...expected()]);
    expect(carriesLocation(stripped)).toBe(false);
    expect(sniffImage(stripped)).toBe(type);
    expect([...stripMetadata(stripped, type)]).toEqual([...stripped]);
  });

  it('drops what follows the end of a JPEG (a second image of an MPF file, a maker trailer) and an MPF index', () => {
    const trailer = concat([Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x08]), new TextEncoder().encode('Exif\0\0')]);
    const mpf = concat([Uint8Array.from([0xff, 0xe2, 0x00, 0x0a]), new TextEncoder().encode('MPF\0II*\0')]);
    const original = jpegWithGps();
    const withMpf = concat([original.subarray(0, 2), mpf, original.subarray(2), trailer]);
    expect([...stripMetadata(withMpf, 'image/jpeg')]).toEqual([...jpegStripped()]);
  });

  it('drops what follows IEND', () => {
    expect([...stripMetadata(concat([pngWithMetadata(), new TextEncoder().encode('Exif\0\0 hidden')]), 'image/png')]).toEqual([...pngStripped()]);
  });

  it.each([
    ['a JPEG cut before its end', jpegWithGps().subarray(0, 150), 'image/jpeg'],
    ['a JPEG cut in its scan', jpegWithGps().subarray(0, jpegWithGps().length - 2), 'image/jpeg'],
    ['a JPEG whose segment length runs past the end', Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0x40, 0x00, 0x45]), 'image/jpeg'],
    ['a JPEG segment of length 1', Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x01, 0xff, 0xd9]), 'image/jpeg'],
    ['a JPEG with no frame', Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]), 'image/jpeg'],
    ['a JPEG with bytes where a marker should be', Uint8Array.from([0xff, 0xd8, 0x12, 0x34, 0xff, 0xd9]), 'image/jpeg'],
    ['a PNG cut before IEND', pngWithMetadata().subarray(0, 100), 'image/png'],
    ['a PNG whose first chunk is not IHDR', concat([PNG_SIGNATURE, PNG_IDAT, PNG_IHDR, PNG_IEND]), 'image/png'],
    ['a PNG with a damaged chunk (bad CRC)', (() => { const damaged = pngStripped(); damaged[20] = (damaged[20] as number) ^ 0xff; return damaged; })(), 'image/png'],
    ['a PNG with no IDAT', concat([PNG_SIGNATURE, PNG_IHDR, PNG_IEND]), 'image/png'],
    ['a WebP whose RIFF size runs past the end', webpWithExif().subarray(0, 60), 'image/webp'],
    ['a WebP whose chunk runs past the RIFF size', riff(webpChunk('VP8L', new Uint8Array(4)).subarray(0, 10)), 'image/webp'],
    ['a WebP with no image chunk', riff(vp8x(0), webpChunk('ICCP', new Uint8Array(4))), 'image/webp'],
    ['a WebP starting with another chunk', riff(webpChunk('EXIF', new Uint8Array(4)), WEBP_VP8L), 'image/webp'],
    ['a file of another type', new TextEncoder().encode('hello world, not a picture'), 'image/png'],
  ] as const)('refuses %s', (_name, bytes, type: ImageType) => {
    expect(() => stripMetadata(bytes, type)).toThrow(MalformedImageError);
  });
});

// ---- Generated images: the properties ----

interface Generated {
  type: ImageType;
  bytes: Uint8Array;
  /** What stripping must leave: the same image data, byte for byte, without the metadata. */
  expected: Uint8Array;
  /** Where the image ends (its end marker), before any trailer. */
  end: number;
}

const payload = (max = 40) => fc.uint8Array({ minLength: 0, maxLength: max });
const u16 = (value: number) => [(value >>> 8) & 0xff, value & 0xff];
const jpegSegment = (marker: number, body: Uint8Array) => concat([Uint8Array.from([0xff, marker, ...u16(body.length + 2)]), body]);
const ascii = (value: string) => new TextEncoder().encode(value);

/** A JPEG segment, with whether stripping keeps it. */
const jpegTableSegment = fc.oneof(
  payload().map((body) => ({ bytes: jpegSegment(0xdb, body), kept: true })), // DQT
  payload().map((body) => ({ bytes: jpegSegment(0xc4, body), kept: true })), // DHT
  payload(4).map((body) => ({ bytes: jpegSegment(0xdd, body), kept: true })), // DRI
  payload().map((body) => ({ bytes: jpegSegment(0xe0, body), kept: true })), // APP0
  payload().map((body) => ({ bytes: jpegSegment(0xe2, concat([ascii('ICC_PROFILE\0'), body])), kept: true })),
  payload().map((body) => ({ bytes: jpegSegment(0xee, concat([ascii('Adobe'), body])), kept: true })),
  payload().map((body) => ({ bytes: jpegSegment(0xe1, concat([ascii('Exif\0\0'), body])), kept: false })),
  payload().map((body) => ({ bytes: jpegSegment(0xe1, concat([ascii('http://ns.adobe.com/xap/1.0/\0'), body])), kept: false })),
  payload().map((body) => ({ bytes: jpegSegment(0xe2, concat([ascii('MPF\0'), body])), kept: false })),
  fc.tuple(fc.integer({ min: 0xe3, max: 0xed }), payload()).map(([marker, body]) => ({ bytes: jpegSegment(marker, body), kept: false })),
  payload().map((body) => ({ bytes: jpegSegment(0xef, body), kept: false })),
  payload().map((body) => ({ bytes: jpegSegment(0xfe, body), kept: false })), // COM
);

/** Entropy-coded data: 0xFF only as a stuffed 0xFF00 or a restart marker. */
const scanData = fc.array(fc.oneof(fc.integer({ min: 0, max: 0xfe }).map((byte) => [byte]), fc.constant([0xff, 0x00]), fc.integer({ min: 0xd0, max: 0xd7 }).map((rst) => [0xff, rst])), { minLength: 1, maxLength: 60 }).map((parts) => Uint8Array.from(parts.flat()));

const scan = fc.tuple(payload(12), scanData).map(([header, data]) => ({ bytes: concat([jpegSegment(0xda, header), data]), kept: true }));

const generatedJpeg: fc.Arbitrary<Generated> = fc
  .tuple(fc.array(jpegTableSegment, { maxLength: 8 }), payload(20), fc.array(jpegTableSegment, { maxLength: 3 }), fc.array(fc.tuple(fc.array(jpegTableSegment, { maxLength: 3 }), scan), { minLength: 1, maxLength: 3 }), fc.boolean(), payload(30))
  .map(([before, frame, afterFrame, scans, fill, trailer]) => {
    // Progressive JPEGs have several scans, with tables (and, rarely, metadata) between them.
    const parts = [...before, { bytes: jpegSegment(0xc2, frame), kept: true }, ...afterFrame, ...scans.flatMap(([between, one]) => [...between, one])];
    const eoi = Uint8Array.from(fill ? [0xff, 0xff, 0xd9] : [0xff, 0xd9]);
    const bytes = concat([Uint8Array.from([0xff, 0xd8]), ...parts.map((part) => part.bytes), eoi, trailer]);
    return {
      type: 'image/jpeg' as const,
      bytes,
      end: bytes.length - trailer.length,
      expected: concat([Uint8Array.from([0xff, 0xd8]), ...parts.filter((part) => part.kept).map((part) => part.bytes), eoi]),
    };
  });

const pngType = (first: string) => fc.stringMatching(/^[a-z][A-Za-z]{3}$/).map((rest) => first + rest.slice(1));
const pngAncillary = fc.oneof(
  fc.tuple(pngType('a'), payload()).filter(([type]) => !['eXIf', 'tEXt', 'iTXt', 'zTXt', 'tIME', 'dSIG'].includes(type)).map(([type, data]) => ({ bytes: pngChunk(type, data), kept: true })),
  fc.tuple(fc.constantFrom('eXIf', 'tEXt', 'iTXt', 'zTXt', 'tIME', 'dSIG'), payload()).map(([type, data]) => ({ bytes: pngChunk(type, data), kept: false })),
);

const generatedPng: fc.Arbitrary<Generated> = fc
  .tuple(payload(13), fc.array(pngAncillary, { maxLength: 6 }), fc.array(payload(), { minLength: 1, maxLength: 3 }), fc.array(pngAncillary, { maxLength: 4 }), payload(20))
  .map(([header, before, data, after, trailer]) => {
    const parts = [{ bytes: pngChunk('IHDR', header), kept: true }, ...before, ...data.map((chunk) => ({ bytes: pngChunk('IDAT', chunk), kept: true })), ...after, { bytes: PNG_IEND, kept: true }];
    const bytes = concat([PNG_SIGNATURE, ...parts.map((part) => part.bytes), trailer]);
    return {
      type: 'image/png' as const,
      bytes,
      end: bytes.length - trailer.length,
      expected: concat([PNG_SIGNATURE, ...parts.filter((part) => part.kept).map((part) => part.bytes)]),
    };
  });

const webpOther = fc.tuple(fc.constantFrom('ICCP', 'ALPH', 'ANIM', 'ANMF', 'VP8L', 'VP8 ', 'ABCD'), payload()).map(([fourcc, data]) => ({ bytes: webpChunk(fourcc, data), kept: true }));
const webpMetadata = fc.tuple(fc.constantFrom('EXIF', 'XMP '), payload()).map(([fourcc, data]) => ({ bytes: webpChunk(fourcc, data), kept: false }));

const generatedWebp: fc.Arbitrary<Generated> = fc
  .tuple(fc.boolean(), fc.integer({ min: 0, max: 255 }), payload(), fc.array(fc.oneof(webpOther, webpMetadata), { maxLength: 6 }))
  .map(([extended, flags, image, chunks]) => {
    const imageChunk = { bytes: webpChunk('VP8L', image), kept: true };
    if (!extended) {
      const bytes = riff(imageChunk.bytes, ...chunks.map((chunk) => chunk.bytes));
      return { type: 'image/webp' as const, bytes, end: bytes.length, expected: riff(imageChunk.bytes, ...chunks.filter((chunk) => chunk.kept).map((chunk) => chunk.bytes)) };
    }
    const bytes = riff(vp8x(flags), imageChunk.bytes, ...chunks.map((chunk) => chunk.bytes));
    return {
      type: 'image/webp' as const,
      bytes,
      end: bytes.length,
      expected: riff(vp8x(flags & ~0x0c), imageChunk.bytes, ...chunks.filter((chunk) => chunk.kept).map((chunk) => chunk.bytes)),
    };
  });

const generated = fc.oneof(generatedJpeg, generatedPng, generatedWebp);

/** The metadata markers a stripped image must not hold: Exif blocks, XMP packets, PNG and WebP metadata chunks. */
function metadataMarkers(image: Generated, bytes: Uint8Array): string[] {
  const found: string[] = [];
  if (image.type === 'image/jpeg') {
    for (let offset = 2; offset + 4 <= bytes.length; ) {
      const marker = bytes[offset + 1] as number;
      if (marker === 0xda || marker === 0xd9) break;
      const length = ((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number);
      if (marker === 0xe1 || marker === 0xfe || marker === 0xed || (marker === 0xe2 && !text(bytes.subarray(offset + 4, offset + 16)).startsWith('ICC_PROFILE'))) found.push(`JPEG 0xFF${marker.toString(16)}`);
      offset += 2 + length;
    }
  }
  if (image.type === 'image/png') {
    for (let offset = 8; offset + 8 <= bytes.length; ) {
      const length = Buffer.from(bytes).readUInt32BE(offset);
      const type = text(bytes.subarray(offset + 4, offset + 8));
      if (['eXIf', 'tEXt', 'iTXt', 'zTXt', 'tIME'].includes(type)) found.push(`PNG ${type}`);
      offset += 12 + length;
    }
  }
  if (image.type === 'image/webp') {
    for (let offset = 12; offset + 8 <= bytes.length; ) {
      const size = Buffer.from(bytes).readUInt32LE(offset + 4);
      const fourcc = text(bytes.subarray(offset, offset + 4));
      if (fourcc === 'EXIF' || fourcc === 'XMP ') found.push(`WebP ${fourcc}`);
      if (fourcc === 'VP8X' && ((bytes[offset + 8] as number) & 0x0c) !== 0) found.push('WebP VP8X metadata flags');
      offset += 8 + size + (size & 1);
    }
  }
  return found;
}

describe('stripMetadata, on generated images (property tests)', () => {
  it('keeps every byte of image data, in order, and nothing else', () => {
    fc.assert(
      fc.property(generated, (image) => {
        expect([...stripMetadata(image.bytes, image.type)]).toEqual([...image.expected]);
      }),
      { numRuns: 400 },
    );
  });

  it('leaves no Exif, XMP, IPTC, comment or text chunk behind, and the RIFF size right', () => {
    fc.assert(
      fc.property(generated, (image) => {
        const stripped = stripMetadata(image.bytes, image.type);
        expect(metadataMarkers(image, stripped)).toEqual([]);
        if (image.type === 'image/webp') expect(Buffer.from(stripped).readUInt32LE(4)).toBe(stripped.length - 8);
      }),
      { numRuns: 400 },
    );
  });

  it('is idempotent: stripping twice is stripping once', () => {
    fc.assert(
      fc.property(generated, (image) => {
        const once = stripMetadata(image.bytes, image.type);
        expect([...stripMetadata(once, image.type)]).toEqual([...once]);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps the type: sniff(strip(x)) = sniff(x)', () => {
    fc.assert(
      fc.property(generated, (image) => {
        expect(sniffImage(image.bytes)).toBe(image.type);
        expect(sniffImage(stripMetadata(image.bytes, image.type))).toBe(image.type);
      }),
      { numRuns: 400 },
    );
  });

  it('refuses every image cut short (it never passes half an image on)', () => {
    fc.assert(
      fc.property(generated, fc.double({ min: 0, max: 1, noNaN: true }), (image, where) => {
        const cut = Math.floor(where * (image.end - 1));
        expect(() => stripMetadata(image.bytes.subarray(0, cut), image.type)).toThrow(MalformedImageError);
      }),
      { numRuns: 400 },
    );
  });
});

