/**
 * What the scan page does with a code, without the camera or the page (issue 18): the same label
 * seen again by the camera within a few seconds is one scan; an answer of `POST /v1/hub/scans`
 * and its refusals in the app's words.
 */

export type ScanAction = 'check_in' | 'check_out';

export type CameraProblem = 'unsupported' | 'insecure' | 'denied' | 'no_camera' | 'in_use' | 'failed';

/** The camera problem a `getUserMedia` refusal is, in the terms the page explains. */
export function problemOf(error: unknown): CameraProblem {
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') return 'no_camera';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'in_use';
  return 'failed';
}

/** The answer of `POST /v1/hub/scans`. */
export interface ParcelScan {
  object: 'parcel_scan';
  code: string;
  action: ScanAction;
  deliveryId: string;
  /** The parcel's number within the delivery (1-based), or the parcel with its number. */
  parcel: number | { number?: number; index?: number; [key: string]: unknown };
  parcels: { total: number; checkedIn: number; checkedOut: number };
  stage?: string | null;
  repeated: boolean;
  /** The delivery's reference, when the API gives it. */
  reference?: string | null;
  delivery?: { reference?: string | null } | null;
}

/** A code as the API reads it: spaces around dropped, case ignored. */
export function normalizeCode(raw: string): string {
  return raw.trim().replace(/\s+/g, '').toUpperCase();
}

/**
 * The camera sees a label many times a second while it is in front of it: one call per code
 * every `windowMs`. A typed code always goes through (a person typing it means it).
 */
export class RepeatGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs = 4000) {}

  /** Whether this code, seen at `now`, is a new scan (and remembers it). */
  accept(raw: string, now: number): boolean {
    const code = normalizeCode(raw);
    if (code === '') return false;
    for (const [known, at] of this.seen) if (now - at >= this.windowMs) this.seen.delete(known);
    const last = this.seen.get(code);
    this.seen.set(code, now);
    return last === undefined || now - last >= this.windowMs;
  }

  clear(): void {
    this.seen.clear();
  }
}

export function parcelNumber(scan: Pick<ParcelScan, 'parcel'>): number | null {
  const { parcel } = scan;
  if (typeof parcel === 'number') return parcel;
  const number = parcel?.number ?? parcel?.index;
  return typeof number === 'number' ? number : null;
}

/** The parcel number in a code `HUB:dlv_…:n`, and the hub's code (for words when the API refuses it). */
export function readCode(raw: string): { hubCode: string | null; deliveryId: string | null; parcel: number | null } {
  const match = /^([A-Z0-9]{2,8}):(DLV_[0-9A-Z]{26}):([0-9]{1,3})$/.exec(normalizeCode(raw));
  if (!match) {
    const hub = /^([A-Z0-9]{2,8}):/.exec(normalizeCode(raw));
    return { hubCode: hub ? (hub[1] as string) : null, deliveryId: null, parcel: null };
  }
  return { hubCode: match[1] as string, deliveryId: `dlv_${(match[2] as string).slice(4)}`, parcel: Number(match[3]) };
}

/** What the list says of a delivery: its reference, else the end of its id. */
export function deliveryName(scan: Pick<ParcelScan, 'deliveryId' | 'reference' | 'delivery'>): string {
  const reference = scan.reference ?? scan.delivery?.reference;
  if (reference) return reference;
  return `…${scan.deliveryId.slice(-6)}`;
}

/**
 * The refusal codes of the scan route, by the words the page uses. Several spellings are read as
 * one (the API names them in shared/hub/errors.ts).
 */
export type Refusal = 'unknown_label' | 'other_hub' | 'not_at_hub' | 'not_assigned' | 'not_on_round' | 'malformed' | 'cancelled' | 'not_via_hub' | 'busy' | 'wrong_stage' | 'other';

const REFUSALS: Record<string, Refusal> = {
  parcel_unknown: 'unknown_label',
  label_unknown: 'unknown_label',
  unknown_label: 'unknown_label',
  unknown_parcel: 'unknown_label',
  unknown_code: 'unknown_label',
  parcel_not_found: 'unknown_label',
  resource_missing: 'unknown_label',
  label_other_hub: 'other_hub',
  other_hub: 'other_hub',
  another_hub: 'other_hub',
  wrong_hub: 'other_hub',
  foreign_hub: 'other_hub',
  other_hub_label: 'other_hub',
  not_at_hub: 'not_at_hub',
  parcel_not_at_hub: 'not_at_hub',
  not_checked_in: 'not_at_hub',
  not_assigned: 'not_assigned',
  leg_not_assigned: 'not_assigned',
  not_on_round: 'not_on_round',
  not_your_leg: 'not_on_round',
  code_malformed: 'malformed',
  malformed_code: 'malformed',
  label_malformed: 'malformed',
  parcel_code_malformed: 'malformed',
  invalid_code: 'malformed',
  delivery_cancelled: 'cancelled',
  not_via_hub: 'not_via_hub',
  version_conflict: 'busy',
};

export function refusalOf(error: unknown): Refusal {
  const { code, param, message } = (error ?? {}) as { code?: string; param?: string; message?: string };
  if (code && REFUSALS[code]) return REFUSALS[code];
  if (code === 'invalid_transition') {
    const words = (message ?? '').toLowerCase();
    if (/cancel/.test(words)) return 'cancelled';
    if (/not assigned|unassigned|assign/.test(words)) return 'not_assigned';
    return 'wrong_stage';
  }
  if ((code === 'parameter_invalid' || code === 'parameter_missing') && (param === undefined || param === 'code')) return 'malformed';
  return 'other';
}
