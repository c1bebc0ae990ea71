import { config } from '../config.js';
import { isId } from '../ids.js';

/**
 * The code on a parcel's label (in its QR code and printed under it): the hub's code, the
 * delivery's id and the parcel's number within the delivery (1-based), joined by colons:
 * `STE:dlv_01JF…:2`. The hub's code lets a scanner refuse another hub's labels; the delivery id
 * finds the delivery without knowing its tenant (the id index). Typed by hand, case and spaces
 * around do not matter.
 */
export interface ParcelCode {
  hubCode: string;
  deliveryId: string;
  /** 1-based. */
  parcel: number;
}

export function parcelCode(deliveryId: string, parcel: number, hubCode: string = config.hubCode): string {
  return `${hubCode}:${deliveryId}:${parcel}`;
}

export type ParsedParcelCode = { ok: true; code: ParcelCode } | { ok: false; reason: 'malformed' | 'other_hub'; hubCode?: string };

/** Reads a scanned or typed code; says whether it is malformed or another hub's (this hub: `config.hubCode`). */
export function parseParcelCode(raw: string, hubCode: string = config.hubCode): ParsedParcelCode {
  const match = /^([A-Z0-9]{2,8}):(DLV_[0-9A-Z]{26}):([0-9]{1,3})$/.exec(raw.trim().toUpperCase());
  if (!match) return { ok: false, reason: 'malformed' };
  const [, hub, id, number] = match as unknown as [string, string, string, string];
  const deliveryId = `dlv_${id.slice(4)}`;
  const parcel = Number(number);
  if (!isId('delivery', deliveryId) || parcel < 1) return { ok: false, reason: 'malformed' };
  if (hub !== hubCode) return { ok: false, reason: 'other_hub', hubCode: hub };
  return { ok: true, code: { hubCode: hub, deliveryId, parcel } };
}
