import { describe, expect, it } from 'vitest';
import { fingerprint, newIdempotencyKey, Submission } from '../../web/src/idempotency.js';
import { accessInstructions, fitsCargoBike, ITEM_PRESETS, lineFromPreset, linesToParcels, loadOf, type ItemLine } from '../../web/src/presets.js';

describe('item presets become parcels', () => {
  it('fills a line from a preset in the language of the form, every figure editable', () => {
    const chair = lineFromPreset('chair', 'fr', 4);
    expect(chair).toEqual({ presetId: 'chair', description: 'Chaise', quantity: 4, weightKg: 5, lengthCm: 45, widthCm: 50, heightCm: 90 });
    expect(lineFromPreset('books', 'en').description).toBe('Box of books');
    expect(() => lineFromPreset('piano', 'fr')).toThrow();
    for (const preset of ITEM_PRESETS) {
      expect(preset.weightKg, preset.id).toBeGreaterThan(0);
      expect(preset.fr && preset.en, preset.id).toBeTruthy();
    }
  });

  it('makes one parcel per unit, with the sizes only when all three are given', () => {
    const lines: ItemLine[] = [
      lineFromPreset('chair', 'fr', 2),
      { presetId: 'books', description: '  Cartons de BD  ', quantity: 1, weightKg: 12, lengthCm: 40, widthCm: 30, heightCm: 30 },
      { presetId: null, description: 'Lampe', quantity: 1, weightKg: 2.5, lengthCm: 30, widthCm: null, heightCm: 60 },
      { presetId: null, description: 'Rien', quantity: 0, weightKg: 3, lengthCm: null, widthCm: null, heightCm: null },
      { presetId: null, description: 'Sans poids', quantity: 1, weightKg: 0, lengthCm: null, widthCm: null, heightCm: null },
    ];
    expect(linesToParcels(lines)).toEqual([
      { weightKg: 5, lengthCm: 45, widthCm: 50, heightCm: 90, description: 'Chaise' },
      { weightKg: 5, lengthCm: 45, widthCm: 50, heightCm: 90, description: 'Chaise' },
      { weightKg: 12, lengthCm: 40, widthCm: 30, heightCm: 30, description: 'Cartons de BD' },
      { weightKg: 2.5, description: 'Lampe' },
    ]);
  });

  it('keeps an edited figure: the preset only starts the line', () => {
    const sofa = { ...lineFromPreset('sofa', 'fr'), weightKg: 28, lengthCm: 120 };
    expect(linesToParcels([sofa])[0]).toMatchObject({ weightKg: 28, lengthCm: 120, widthCm: 85, heightCm: 80 });
  });

  it('adds weight and volume as the API does, and says whether it fits one cargo bike', () => {
    const load = loadOf(linesToParcels([lineFromPreset('books', 'fr', 3), { presetId: null, description: 'x', quantity: 1, weightKg: 0.1, lengthCm: null, widthCm: null, heightCm: null }]));
    expect(load).toEqual({ weightKg: 45.1, volumeLitres: 108 });

    const chairs = fitsCargoBike(linesToParcels([lineFromPreset('chair', 'fr', 2)]));
    expect(chairs).toMatchObject({ fits: true, tooHeavy: false, tooBulky: false });
    // A two-seat sofa is over 600 L: too bulky for the default bike, whatever its weight.
    expect(fitsCargoBike(linesToParcels([lineFromPreset('sofa', 'fr')]))).toMatchObject({ fits: false, tooBulky: true, tooHeavy: false });
    expect(fitsCargoBike(linesToParcels([lineFromPreset('books', 'fr', 11)]))).toMatchObject({ fits: false, tooHeavy: true });
    // Exactly at the limit still fits (the API refuses only beyond it).
    expect(fitsCargoBike([{ weightKg: 150 }]).fits).toBe(true);
    expect(fitsCargoBike([{ weightKg: 150.001 }]).fits).toBe(false);
    expect(fitsCargoBike([{ weightKg: 200 }], { maxWeightKg: 250, maxVolumeLiters: 600 }).fits).toBe(true);
    expect(fitsCargoBike([]).fits).toBe(false);
  });

  it("writes the donor's floor and access as one line for the courier", () => {
    expect(accessInstructions({ floor: '3', lift: 'no', notes: 'Code 1234B,  sonner Martin' })).toBe('3e étage, sans ascenseur. Code 1234B, sonner Martin');
    expect(accessInstructions({ floor: '1', lift: 'yes', notes: '' })).toBe('1er étage, avec ascenseur');
    expect(accessInstructions({ floor: '0', lift: 'no', notes: '' })).toBe('Rez-de-chaussée');
    expect(accessInstructions({ floor: '', lift: '', notes: '   ' })).toBeUndefined();
    expect(accessInstructions({ floor: '', lift: '', notes: 'x'.repeat(800) })).toHaveLength(500);
  });
});

describe('one Idempotency-Key per form submission', () => {
  const counter = () => {
    let n = 0;
    return () => `key-${++n}`;
  };

  it('reuses the key for the same body (a double click, a retry), whatever the order of its fields', () => {
    const submission = new Submission(counter());
    const first = submission.keyFor({ quoteId: 'quo_1', kind: 'pickup', slotId: 'slt_1' });
    expect(submission.keyFor({ slotId: 'slt_1', kind: 'pickup', quoteId: 'quo_1' })).toBe(first);
    expect(fingerprint({ b: 1, a: { d: 2, c: 3 } })).toBe(fingerprint({ a: { c: 3, d: 2 }, b: 1 }));
  });

  it('takes a new key for a changed body (another slot after "slot full")', () => {
    const submission = new Submission(counter());
    const first = submission.keyFor({ quoteId: 'quo_1', slotId: 'slt_1' });
    const second = submission.keyFor({ quoteId: 'quo_1', slotId: 'slt_2' });
    expect(second).not.toBe(first);
  });

  it('keeps the key while the outcome is unknown, and drops it after a final answer', () => {
    const submission = new Submission(counter());
    const body = { quoteId: 'quo_1' };
    const first = submission.keyFor(body);
    submission.failed({ status: 0, code: 'network_error' });
    expect(submission.keyFor(body)).toBe(first);
    submission.failed({ status: 503, code: 'service_unavailable' });
    expect(submission.keyFor(body)).toBe(first);
    submission.failed({ status: 409, code: 'idempotency_request_in_progress' });
    expect(submission.keyFor(body)).toBe(first);

    submission.failed({ status: 409, code: 'slot_full' });
    const afterRefusal = submission.keyFor(body);
    expect(afterRefusal).not.toBe(first);

    submission.settled();
    expect(submission.pending).toBeNull();
    expect(submission.keyFor(body)).not.toBe(afterRefusal);
  });

  it('makes keys the API takes (1–255 characters), different every time', () => {
    const keys = new Set(Array.from({ length: 100 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^web-[0-9a-f-]{32,36}$/);
  });
});
