/** The courier's side of the API (issue 16's contract, `/v1/courier/*`), as the courier's app reads it. */
import type { Parcel } from '../types.js';

export interface Place {
  label?: string;
  line1: string;
  line2?: string;
  postcode: string;
  city: string;
  lat?: number;
  lng?: number;
}

export interface Shift {
  object: 'shift';
  courierId: string;
  date: string;
  /** Paris clock times "HH:MM". */
  start: string;
  end: string;
  startsAt: string;
  endsAt: string;
  breaks: Array<{ start: string; end: string; startsAt: string; endsAt: string }>;
  startPlace?: Place;
  endPlace?: Place;
}

export type StopType = 'pickup' | 'dropoff';
export type StopStatus = 'pending' | 'arrived' | 'done' | 'failed';

export interface RoundStop {
  deliveryId: string;
  type: StopType;
  tenantId: string;
  reference: string | null;
  kind: 'delivery' | 'pickup';
  status: StopStatus;
  address: Place;
  contact: { name: string; phone?: string; email?: string } | null;
  instructions: string | null;
  window: { start: string; end: string } | null;
  parcels: Parcel[];
  weightKg: number;
  litres?: number;
  plannedArrival?: string | null;
  plannedDeparture?: string | null;
  loadAfter?: { kg: number; litres: number };
  late?: boolean;
  lateMinutes?: number;
}

export interface RoundAlert {
  code: 'late' | 'over_capacity' | 'outside_shift' | 'no_shift' | string;
  deliveryId?: string;
  message: string;
}

export interface Round {
  object: 'round';
  courierId: string;
  date: string;
  version?: number;
  stops: RoundStop[];
  capacity?: { kg: number; litres: number };
  maxLoad?: { kg: number; litres: number };
  overCapacity?: boolean;
  startsAt?: string | null;
  endsAt?: string | null;
  shift?: Shift | null;
  alerts?: RoundAlert[];
}

export interface OnBike {
  deliveryId: string;
  reference: string | null;
  parcels: Parcel[];
  weightKg: number;
  litres?: number;
}

export interface Courier {
  id: string;
  object: 'courier';
  name: string;
  email: string | null;
  userId: string | null;
  vehicle?: { type: string; capacityKg: number; capacityLitres: number };
}

export interface CourierRound {
  object: 'courier_round';
  courier: Courier;
  date: string;
  shift: Shift | null;
  round: Round;
  onBike: OnBike[];
  positionReporting: { active: boolean; intervalSeconds: number };
}

export const FAILURE_REASONS = ['absent', 'refused', 'address_not_found', 'damaged', 'inaccessible', 'other'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** The body of `POST /v1/courier/deliveries/{id}/events` for each step the app takes. */
export type StepBody =
  | { type: 'arrived'; stop: StopType; at: string }
  | { type: 'picked_up'; at: string }
  | { type: 'delivered'; at: string; proof: { recipientName?: string; note?: string; photoId?: string; signatureId?: string } }
  | { type: 'failed'; at: string; reasonCode: FailureReason; reason?: string }
  | { type: 'returned'; at: string };

export type StepType = StepBody['type'];

export type PhotoPurpose = 'proof' | 'signature';
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/** The answer of `POST /v1/courier/deliveries/{id}/photos`. */
export interface PhotoUpload {
  id: string;
  object: 'photo_upload';
  purpose: PhotoPurpose;
  maxBytes: number;
  expiresAt: string;
  upload: { method: 'POST'; url: string; fields: Record<string, string> };
}
