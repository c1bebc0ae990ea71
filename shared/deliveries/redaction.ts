import type { Delivery } from './schemas.js';

/**
 * A delivery as accountants read it: what was delivered, when, and for how much, without the
 * recipients' personal data. Contacts (names, phones, e-mails), street lines, instructions, the
 * proof's recipient name and note, the last position and the tracking link (a capability to the
 * public page) are withheld; postcode and city stay (they price the delivery), coordinates are
 * rounded to two decimals (about a kilometre). The shape stays the `Delivery` schema's: withheld
 * strings are empty, withheld optional fields absent.
 */
export function withoutPersonalData(delivery: Delivery): Delivery {
  const stop = (value: Delivery['pickup']): Delivery['pickup'] => {
    const { line2: _line2, ...address } = value.address;
    void _line2;
    return {
      address: { ...address, line1: '', lat: Math.round(address.lat * 100) / 100, lng: Math.round(address.lng * 100) / 100 },
      ...(value.window ? { window: value.window } : {}),
    };
  };
  return {
    ...delivery,
    pickup: stop(delivery.pickup),
    dropoff: stop(delivery.dropoff),
    tracking: { token: '', url: '' },
    lastPosition: null,
    proof: delivery.proof === null ? null : {},
  };
}
