/**
 * A photo of the parcel at the door, checked on the phone before it is kept: an image (JPEG, PNG
 * or WebP, by its first bytes, not its name), at most 10 MB. Anything else is refused at once, in
 * words, rather than after a long upload.
 */
import { MAX_PHOTO_BYTES } from './queue.js';
import type { PhotoType } from './types.js';

export type PhotoCheck = { ok: true; contentType: PhotoType } | { ok: false; reason: 'too_large' | 'not_image' | 'empty'; sizeBytes: number };

/** The image type of a file's first bytes, or null. */
export function sniffImageType(head: Uint8Array): PhotoType | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, index) => head[index] === byte)) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export async function checkPhoto(file: Blob): Promise<PhotoCheck> {
  if (file.size === 0) return { ok: false, reason: 'empty', sizeBytes: 0 };
  if (file.size > MAX_PHOTO_BYTES) return { ok: false, reason: 'too_large', sizeBytes: file.size };
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const type = sniffImageType(head);
  if (!type) return { ok: false, reason: 'not_image', sizeBytes: file.size };
  return { ok: true, contentType: type };
}

/** "40,2 Mo" / "40.2 MB". */
export function formatMegabytes(bytes: number, lang: 'fr' | 'en'): string {
  const value = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 }).format(bytes / (1024 * 1024));
  return lang === 'fr' ? `${value} Mo` : `${value} MB`;
}
