/**
 * The API's shapes the dispatch board reads (issue 16's contract: couriers, shifts, rounds,
 * `GET /v1/hub/board`). Kept here rather than in types.ts: only the board uses them.
 */
import type { Address, Contact, Delivery, Parcel } from '../types.js';

export type BoardStatus = 'booked' | 'assigned' | 'picked_up' | 'delivered' | 'failed' | 'returned' | 'cancelled' | 'returned_to_sender';
export const BOARD_STATUSES: readonly BoardStatus[] = ['booked', 'assigned', 'picked_up', 'delivered', 'failed', 'returned', 'cancelled', 'returned_to_sender'];

export type VehicleType = 'cargo_bike' | 'e_cargo_bike' | 'bike_trailer' | 'bike' | 'on_foot';
export const VEHICLE_TYPES: readonly VehicleType[] = ['cargo_bike', 'e_cargo_bike', 'bike_trailer', 'bike', 'on_foot'];

export interface Vehicle {
  type: VehicleType;
  capacityKg: number;
  capacityLitres: number;
}

export interface Place {
  label: string;
  line1: string;
  line2?: string;
  postcode: string;
  city: string;
  lat: number;
  lng: number;
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
  startPlace: Place;
  endPlace: Place;
  updatedAt?: string;
}

export type CourierState = 'off' | 'before_shift' | 'on_shift' | 'on_break' | 'after_shift';
export const COURIER_STATES: readonly CourierState[] = ['off', 'before_shift', 'on_shift', 'on_break', 'after_shift'];

export type StopType = 'pickup' | 'dropoff';
export type StopStatus = 'pending' | 'arrived' | 'done' | 'failed';

export interface Load {
  kg: number;
  litres: number;
}

export interface RoundStop {
  deliveryId: string;
  type: StopType;
  tenantId: string;
  reference: string | null;
  kind: 'delivery' | 'pickup';
  /** The delivery's own status (assigned, picked_up…). */
  deliveryStatus: string;
  status: StopStatus;
  address: Address & { lat: number; lng: number };
  contact: Contact | null;
  instructions: string | null;
  /** ISO instants: the slot, else the stop's own window. */
  window: { start: string; end: string } | null;
  parcels: Parcel[];
  weightKg: number;
  litres: number;
  plannedArrival: string;
  plannedDeparture: string;
  loadAfter: Load;
  late: boolean;
  lateMinutes: number;
}

export type AlertCode = 'late' | 'over_capacity' | 'outside_shift' | 'no_shift';

export interface RoundAlert {
  code: AlertCode | string;
  deliveryId?: string;
  message: string;
}

export interface Round {
  object: 'round';
  courierId: string;
  date: string;
  version: number;
  stops: RoundStop[];
  capacity: Load;
  maxLoad: Load;
  overCapacity: boolean;
  /** Planned (ISO). */
  startsAt: string;
  endsAt: string;
  shift: Shift | null;
  alerts: RoundAlert[];
}

export interface CourierToday {
  id: string;
  object: 'courier';
  name: string;
  email: string | null;
  userId: string | null;
  vehicle: Vehicle;
  createdAt: string;
  date: string;
  shift: Shift | null;
  state: CourierState;
  lastPosition: { lat: number; lng: number; at: string } | null;
  stops: { total: number; done: number };
}

export type BoardCourier = CourierToday & { round: Round };

/** A delivery as the board lists it: the app's Delivery, with issue 16's additions. */
export type BoardDelivery = Omit<Delivery, 'status'> & {
  status: BoardStatus;
  courierId?: string | null;
  serviceDate?: string;
  attempt?: number;
  returnToSender?: boolean;
};

export interface Board {
  object: 'board';
  date: string;
  generatedAt: string;
  depot: Place;
  couriers: BoardCourier[];
  unassigned: BoardDelivery[];
  deliveries: BoardDelivery[];
  map: { tileUrl: string | null; attribution: string | null };
}

/** What `PUT /v1/hub/couriers/{id}/rounds/{date}` takes. */
export interface RoundOrder {
  stops: Array<{ deliveryId: string; type: StopType }>;
  version?: number;
}

/* ---------- Plans of the day (issue 17: `POST /v1/hub/plans`, `GET /v1/hub/plans/{id}`) ---------- */

export type PlanStatus = 'pending' | 'ready' | 'failed' | 'applied';
export type PlanTrigger = 'request' | 'booking' | 'cancellation';
export type UnassignedReason = 'capacity' | 'time_window' | 'no_shift' | 'skills' | 'no_room';
export const UNASSIGNED_REASONS: readonly UnassignedReason[] = ['capacity', 'time_window', 'no_shift', 'skills', 'no_room'];

export interface PlannedStop {
  deliveryId: string;
  type: StopType;
  reference: string | null;
  /** ISO instants. */
  arrival: string;
  serviceStart: string;
  departure: string;
  loadAfter: Load;
  /** Ridden since the start of the round when the stop is reached. */
  distanceMeters: number;
}

export interface PlannedRound {
  courierId: string;
  courierName: string;
  stops: PlannedStop[];
  /** Returns to the depot to unload and reload. */
  reloads: number;
  breaks: Array<{ start: string; end: string }>;
  startsAt: string;
  endsAt: string;
  distanceMeters: number;
  durationSeconds: number;
  travelSeconds: number;
}

export interface PlanUnassigned {
  deliveryId: string;
  reference: string | null;
  reason: UnassignedReason | string;
  /** The API's sentence (English): shown only for a reason the app does not know. */
  message: string;
}

export interface PlanSummary {
  deliveries: number;
  served: number;
  couriers: number;
  distanceMeters: number;
  travelSeconds: number;
  /** Stops placed elsewhere than in the current rounds. */
  moved: number;
}

export interface Plan {
  id: string;
  object: 'plan';
  date: string;
  status: PlanStatus;
  trigger: PlanTrigger;
  couriers: string[] | null;
  timeLimitSeconds: number;
  rounds: PlannedRound[];
  unassigned: PlanUnassigned[];
  summary: PlanSummary | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  appliedAt: string | null;
}
