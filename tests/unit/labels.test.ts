import { PDFDict, PDFDocument, PDFName } from '@cantoo/pdf-lib';
import fc from 'fast-check';
import jsqrModule from 'jsqr';
import { describe, expect, it } from 'vitest';
import { parseParcelCode } from '../../shared/hub/parcel-code.js';
import { firstNameOf, labelLines, labelsOf, legOf, type LabelDelivery } from '../../shared/labels/layout.js';
import { A4, A6, labelsPdf } from '../../shared/labels/pdf.js';
import { QUIET_ZONE, qrMatrix, type QrMatrix } from '../../shared/labels/qr.js';
import { sampleDelivery } from '../fixtures/delivery.js';

type Decode = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: 'dontInvert' }) => { data: string } | null;
/** jsqr is CommonJS: its function is the module itself, or its `default` depending on the loader. */
const jsQR = ((jsqrModule as unknown as { default?: Decode }).default ?? jsqrModule) as unknown as Decode;

/** The matrix as an RGBA image, `scale` pixels per module: what a camera would see, flat. */
function rasterise(matrix: QrMatrix, scale = 4): { data: Uint8ClampedArray; width: number } {
  const width = matrix.size * scale;
  const data = new Uint8ClampedArray(width * width * 4);
  for (let y = 0; y < width; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const value = matrix.dark[Math.floor(y / scale)]?.[Math.floor(x / scale)] ? 0 : 255;
      data.set([value, value, value, 255], (y * width + x) * 4);
    }
  }
  return { data, width };
}

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const deliveryIds = fc.array(fc.constantFrom(...crockford), { minLength: 25, maxLength: 25 }).map((chars) => `dlv_0${chars.join('')}`);

describe('the QR code of a label', () => {
  it('decodes back to the exact parcel code, for any delivery id and parcel number', () => {
    fc.assert(
      fc.property(deliveryIds, fc.integer({ min: 1, max: 999 }), fc.constantFrom('STE', 'LYON42', 'AB'), (deliveryId, parcel, hub) => {
        const [label] = labelsOf(sampleDelivery({ id: deliveryId, parcels: Array.from({ length: parcel }, () => ({ weightKg: 1 })) }) as LabelDelivery, 'Hub', hub).slice(parcel - 1);
        const code = (label as { code: string }).code;
        expect(code).toBe(`${hub}:${deliveryId}:${parcel}`);
        const image = rasterise(qrMatrix(code));
        const read = jsQR(image.data, image.width, image.width, { inversionAttempts: 'dontInvert' });
        expect(read?.data).toBe(code);
        // What the scanner reads is what the hub parses.
        expect(parseParcelCode(read?.data ?? '', hub)).toEqual({ ok: true, code: { hubCode: hub, deliveryId, parcel } });
      }),
      { numRuns: 60 },
    );
  });

  it('keeps the four-module quiet zone white all around', () => {
    const matrix = qrMatrix('STE:dlv_01JDQ6V7M5B8XK2ZQ3W4E5R6T7:1');
    for (let index = 0; index < matrix.size; index += 1) {
      for (let band = 0; band < QUIET_ZONE; band += 1) {
        expect([matrix.dark[band]?.[index], matrix.dark[index]?.[band], matrix.dark[matrix.size - 1 - band]?.[index], matrix.dark[index]?.[matrix.size - 1 - band]]).toEqual([false, false, false, false]);
      }
    }
    expect(matrix.dark[QUIET_ZONE]?.[QUIET_ZONE]).toBe(true); // the finder pattern's corner
  });
});

describe('what a label says', () => {
  const delivery = sampleDelivery({
    reference: 'CMD-7781',
    parcels: [{ weightKg: 2 }, { weightKg: 3 }, { weightKg: 1 }],
    serviceDate: '2026-12-08',
    dropoff: {
      address: { line1: '2 place du Breuil', line2: 'Bâtiment B', postcode: '42700', city: 'Firminy', country: 'FR', lat: 45.388, lng: 4.288 },
      contact: { name: 'Camille Martin-Durand', phone: '+33 6 12 34 56 78', email: 'camille@example.org' },
      window: { start: '2026-12-08T08:00:00.000Z', end: '2026-12-08T10:00:00.000Z' },
    },
  }) as LabelDelivery;

  it('prints the first name and district, never the phone, the street, the e-mail or the full name', () => {
    const labels = labelsOf(delivery, 'Coopérative des coursiers', 'STE');
    expect(labels.map((label) => [label.parcel, label.parcels, label.code])).toEqual([
      [1, 3, `STE:${delivery.id}:1`],
      [2, 3, `STE:${delivery.id}:2`],
      [3, 3, `STE:${delivery.id}:3`],
    ]);
    const text = labels.flatMap((label) => labelLines(label).map((line) => line.text)).join('\n');
    expect(text).toContain('Camille');
    expect(text).toContain('42700 Firminy');
    expect(text).toContain('Colis 2/3');
    expect(text).toContain('Réf. CMD-7781');
    expect(text).toContain('mardi 8 décembre 2026 · 09:00–11:00');
    expect(text).toContain('Trajet : Direct');
    for (const secret of ['Martin', 'Durand', '+33', '12 34', 'Breuil', 'Bâtiment', 'camille@', 'Épicerie', 'Hôtel de Ville']) expect(text).not.toContain(secret);
  });

  it('takes the first word of the name only', () => {
    expect(firstNameOf('  Jean-Pierre   Dupont ')).toBe('Jean-Pierre');
    expect(firstNameOf('')).toBeNull();
    expect(firstNameOf(undefined)).toBeNull();
  });

  it('says which leg the parcel is on', () => {
    expect(legOf(delivery)).toEqual({ fr: 'Direct', en: 'direct' });
    expect(legOf({ ...delivery, leg: { of: 'dlv_01JDQ6V7M5B8XK2ZQ3W4E5R6T0' } }).fr).toBe('1/2 → hub');
    expect(legOf({ ...delivery, hub: { firstLeg: 'courier', stage: 'to_hub' } }).fr).toBe('1/2 → hub, puis hub → destinataire');
    expect(legOf({ ...delivery, hub: { firstLeg: 'courier', stage: 'at_hub' } }).fr).toBe('2/2 hub → destinataire');
    expect(legOf({ ...delivery, hub: { firstLeg: 'tenant', stage: 'expected' } }).fr).toBe('hub → destinataire');
    expect(legOf({ ...delivery, hub: { firstLeg: 'courier', stage: 'left_hub' }, collectionPoint: { id: 'clp_x', name: 'Épicerie du Furan' } }).fr).toBe('2/2 hub → Épicerie du Furan');
    expect(legOf({ ...delivery, collectionPoint: { id: 'clp_x', name: 'Épicerie du Furan' } }).fr).toBe('Direct → point relais Épicerie du Furan');
  });

  it("gives a first leg's parcels the codes of the delivery it serves (one label from pickup to recipient)", () => {
    const parent = 'dlv_01JDQ6V7M5B8XK2ZQ3W4E5R6T0';
    expect(labelsOf({ ...delivery, leg: { of: parent } }, 'Hub', 'STE')[0]?.code).toBe(`STE:${parent}:1`);
  });

  it('prints the slot when there is no drop-off window', () => {
    const slotted = { ...delivery, dropoff: { ...delivery.dropoff, window: undefined }, slot: { id: 'slt_1', date: '2026-12-08', start: '14:00', end: '16:00' } } as LabelDelivery;
    expect(labelsOf(slotted, 'Hub')[0]?.window).toBe('14:00–16:00');
  });
});

describe('the PDF', () => {
  const labels = labelsOf(sampleDelivery({ parcels: [{ weightKg: 1 }, { weightKg: 1 }, { weightKg: 1 }] }) as LabelDelivery, 'Coopérative des coursiers à vélo de Saint-Étienne', 'STE');

  it('has one A6 page per parcel', async () => {
    const bytes = await labelsPdf(labels, 'a6');
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(3);
    for (const page of pdf.getPages()) expect([page.getWidth(), page.getHeight()]).toEqual(A6);
    expect(bytes.length).toBeLessThan(40_000);
  });

  it('puts four labels on an A4 sheet', async () => {
    const one = await PDFDocument.load(await labelsPdf(labels, 'a4'));
    expect(one.getPageCount()).toBe(1);
    expect([one.getPage(0).getWidth(), one.getPage(0).getHeight()]).toEqual(A4);
    const five = await PDFDocument.load(await labelsPdf([...labels, ...labels.slice(0, 2)], 'a4'));
    expect(five.getPageCount()).toBe(2);
  });

  it('embeds the fonts once, however many labels', async () => {
    const many = await PDFDocument.load(await labelsPdf(Array.from({ length: 10 }, () => labels).flat(), 'a6'));
    expect(many.getPageCount()).toBe(30);
    const fonts = many.context
      .enumerateIndirectObjects()
      .map(([, object]) => object)
      .filter((object) => object instanceof PDFDict && object.get(PDFName.of('Type')) === PDFName.of('Font') && object.get(PDFName.of('Subtype')) === PDFName.of('Type0'));
    expect(fonts).toHaveLength(2); // regular and bold, shared by every page
  });
});
