import { describe, expect, it } from 'vitest';
import { deliveryName, normalizeCode, parcelNumber, problemOf, readCode, refusalOf, RepeatGuard } from '../../web/src/scan/scan-model.js';

/** The scan page's rules without a camera or a page (web/src/scan/, issue 18). */
const id = 'dlv_01JF8ZQ4J3M5V6W7X8Y9Z0ABCD';

describe('the camera sees a label many times: one scan per code every few seconds', () => {
  it('lets the first sight through, holds the same code within the window, lets it through after', () => {
    const guard = new RepeatGuard(4000);
    expect(guard.accept(`STE:${id}:1`, 0)).toBe(true);
    expect(guard.accept(`STE:${id}:1`, 200)).toBe(false);
    expect(guard.accept(` ste:${id.toLowerCase()}:1 `, 3000)).toBe(false);
    // Another parcel at once is another scan.
    expect(guard.accept(`STE:${id}:2`, 3100)).toBe(true);
    // Each sight renews the window: a label held in view for a minute is one scan.
    expect(guard.accept(`STE:${id}:1`, 6999)).toBe(false);
    expect(guard.accept(`STE:${id}:1`, 11_000)).toBe(true);
  });

  it('ignores an empty read, and forgets everything when cleared (a new camera session)', () => {
    const guard = new RepeatGuard(4000);
    expect(guard.accept('   ', 0)).toBe(false);
    expect(guard.accept('A', 0)).toBe(true);
    guard.clear();
    expect(guard.accept('A', 10)).toBe(true);
  });
});

describe('codes and answers', () => {
  it('reads a code as the API does: case and spaces do not matter; names the hub of a foreign label', () => {
    expect(normalizeCode(`  ste:${id}:2 `)).toBe(`STE:${id.toUpperCase()}:2`);
    expect(readCode(`ste:${id.toLowerCase()}:2`)).toEqual({ hubCode: 'STE', deliveryId: id, parcel: 2 });
    expect(readCode(`LYO:${id}:1`).hubCode).toBe('LYO');
    expect(readCode('LYO:nonsense').hubCode).toBe('LYO');
    expect(readCode('BONJOUR')).toEqual({ hubCode: null, deliveryId: null, parcel: null });
  });

  it('names a delivery by its reference, else the end of its id; reads the parcel number', () => {
    expect(deliveryName({ deliveryId: id, reference: 'REF-12' })).toBe('REF-12');
    expect(deliveryName({ deliveryId: id, reference: null })).toBe('…Z0ABCD');
    expect(parcelNumber({ parcel: 2 })).toBe(2);
    expect(parcelNumber({ parcel: { number: 3 } })).toBe(3);
  });
});

describe('refusals and camera problems in the words of the page', () => {
  it('maps the scan route’s codes', () => {
    expect(refusalOf({ code: 'parameter_invalid', param: 'code' })).toBe('malformed');
    expect(refusalOf({ code: 'label_other_hub' })).toBe('other_hub');
    expect(refusalOf({ code: 'resource_missing' })).toBe('unknown_label');
    expect(refusalOf({ code: 'not_at_hub' })).toBe('not_at_hub');
    expect(refusalOf({ code: 'not_on_round' })).toBe('not_on_round');
    expect(refusalOf({ code: 'not_via_hub' })).toBe('not_via_hub');
    expect(refusalOf({ code: 'version_conflict' })).toBe('busy');
    expect(refusalOf({ code: 'invalid_transition', message: 'Delivery dlv_x is booked: its last leg must be assigned to a courier (POST …/assign) before its parcels leave the hub.' })).toBe('not_assigned');
    expect(refusalOf({ code: 'invalid_transition', message: 'Delivery dlv_x was cancelled: its parcels are neither checked in nor out.' })).toBe('cancelled');
    expect(refusalOf({ code: 'invalid_transition', message: 'Something else.' })).toBe('wrong_stage');
    expect(refusalOf({ code: 'network_error' })).toBe('other');
    expect(refusalOf(undefined)).toBe('other');
  });

  it('says why the camera cannot be used', () => {
    expect(problemOf({ name: 'NotAllowedError' })).toBe('denied');
    expect(problemOf({ name: 'NotFoundError' })).toBe('no_camera');
    expect(problemOf({ name: 'OverconstrainedError' })).toBe('no_camera');
    expect(problemOf({ name: 'NotReadableError' })).toBe('in_use');
    expect(problemOf(new Error('boom'))).toBe('failed');
  });
});
