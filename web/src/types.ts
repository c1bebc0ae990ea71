/** The API's shapes the app reads (from the OpenAPI document, `GET /v1/openapi.json`). */
export type Role = 'admin' | 'tenant' | 'accountant' | 'courier';

export interface User {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'tenant' | 'accountant';
  tenantId: string | null;
  tenantAdmin: boolean;
  createdAt?: string;
}

export interface Me {
  object: 'me';
  user: User | null;
  role: Role;
  tenantId: string | null;
  csrfToken: string | null;
  sessionExpiresAt: string | null;
}

export interface Address {
  line1: string;
  line2?: string;
  postcode: string;
  city: string;
  country?: 'FR';
  lat?: number;
  lng?: number;
}
export interface Contact {
  name: string;
  phone?: string;
  email?: string;
}
export interface Stop {
  address: Address;
  contact?: Contact;
  window?: { start: string; end: string };
  instructions?: string;
}
export interface Price {
  currency: 'EUR';
  net: number;
  vat: number;
  gross: number;
}
export interface PriceLine {
  code: string;
  label: string;
  amount: number;
}
export interface Parcel {
  weightKg: number;
  lengthCm?: number;
  widthCm?: number;
  heightCm?: number;
  description?: string;
}

export type DeliveryStatus = 'booked' | 'assigned' | 'picked_up' | 'delivered' | 'failed' | 'returned' | 'cancelled' | 'returned_to_sender';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['booked', 'assigned', 'picked_up', 'delivered', 'failed', 'returned', 'cancelled', 'returned_to_sender'];

export interface Quote {
  id: string;
  status: 'open' | 'booked' | 'expired';
  pickup: Stop;
  dropoff: Stop;
  parcels: Parcel[];
  price: Price;
  lines: PriceLine[];
  distanceMeters: number;
  expiresAt: string;
}

export interface Delivery {
  id: string;
  tenantId: string;
  kind: 'delivery' | 'pickup';
  status: DeliveryStatus;
  reference: string | null;
  slot: { id: string; date: string; start: string; end: string } | null;
  pickup: Stop;
  dropoff: Stop;
  parcels: Parcel[];
  price: Price;
  lines: PriceLine[];
  distanceMeters: number;
  tracking: { token: string; url: string };
  timeline: TimelineEntry[];
  failureReason: string | null;
  cancellation: { reason: string | null; at: string; fee: Price | null } | null;
  createdAt: string;
  /** Issue 16: the courier, the day, the proof, the last failure and the attempt (always sent by the API). */
  courierId?: string | null;
  serviceDate?: string;
  proof?: DeliveryProof | null;
  failure?: DeliveryFailure | null;
  /** 1 for the first attempt; each reschedule (or return to the sender) adds one. */
  attempt?: number;
  /** This attempt takes the parcel back to its sender. */
  returnToSender?: boolean;
  /** Where the parcel first came from, once a new attempt leaves from the hub. */
  origin?: { address: Address; contact?: Contact } | null;
}

export interface TimelineEntry {
  status: DeliveryStatus;
  at: string;
  /** `arrived`: the courier reached a stop (the status is unchanged); `rescheduled`: a new attempt was booked. */
  step?: 'arrived' | 'rescheduled';
  /** With `step: arrived`: which stop. */
  stop?: 'pickup' | 'dropoff';
  /** The attempt the entry belongs to, from the second one on. */
  attempt?: number;
  courierId?: string;
}

/** What the courier reported at the door; the photo and the signature are read through `GET /v1/deliveries/{id}/proof/photo`. */
export interface DeliveryProof {
  recipientName?: string;
  note?: string;
  photoId?: string;
  signatureId?: string;
}

export type FailureCode = 'absent' | 'refused' | 'address_not_found' | 'damaged' | 'inaccessible' | 'other';
export const FAILURE_CODES: readonly FailureCode[] = ['absent', 'refused', 'address_not_found', 'damaged', 'inaccessible', 'other'];

export interface DeliveryFailure {
  code: FailureCode;
  note: string | null;
  at: string;
  attempt: number;
  fee?: Price | null;
}

/** `GET /v1/deliveries/{id}/proof/photo`: a URL that works a few minutes. */
export interface ProofPhoto {
  object?: 'proof_photo';
  url: string;
  contentType: string;
  expiresAt: string;
}

export interface Slot {
  id: string;
  date: string;
  start: string;
  end: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  remaining: number;
}

export interface Tenant {
  id: string;
  name: string;
  kind: 'shop' | 'ressourcerie' | 'producer' | 'catering' | 'other';
  billingEmail: string;
  address: Address;
  createdAt: string;
}

export interface DefaultPickupView {
  source: 'saved' | 'tenant_address';
  address: Address;
  contact: Contact;
  instructions: string | null;
}

export interface RateCardView {
  source: 'tenant' | 'hub';
  cancellationFeeCents: number;
  vatRateBasisPoints: number;
}

export interface InvoiceLine {
  id: string;
  deliveryId: string;
  kind: 'delivery' | 'cancellation_fee';
  description: string;
  reference: string | null;
  occurredAt: string;
  net: number;
  vat: number;
  gross: number;
}

export interface Invoice {
  id: string;
  number: string | null;
  tenantId: string;
  period: string;
  status: 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';
  total: Price;
  lineCount: number;
  issuedAt: string | null;
  dueDate: string | null;
  paidAt: string | null;
  paidAmount: number;
  creditedAmount: number;
  amountDue: number;
  overdue: boolean;
  buyer: { name?: string } | null;
  lines: InvoiceLine[];
}

export interface CreditNote {
  id: string;
  number: string;
  invoiceId: string;
  invoiceNumber: string;
  tenantId: string;
  reason: string;
  total: Price;
  issuedAt: string;
}

export interface Payment {
  id: string;
  invoiceId: string;
  invoiceNumber: string;
  amount: number;
  method: 'transfer' | 'cheque' | 'cash' | 'direct_debit' | 'card';
  date: string;
  reference: string | null;
  source: 'manual' | 'bank_statement' | 'stripe';
}

export interface BillingRun {
  id: string;
  period: string;
  status: 'running' | 'completed';
  invoices: Invoice[];
}

export interface Discrepancy {
  kind: string;
  deliveryId?: string;
  invoiceId?: string;
  detail: string;
  action: string;
  resolution: string;
}
export interface TenantReconciliation {
  tenantId: string;
  tenantName: string;
  deliveredCount: number;
  cancellationFeeCount: number;
  expectedAmount: number;
  billedCount: number;
  billedAmount: number;
  invoiceCount: number;
  invoicedAmount: number;
  paidAmount: number;
  creditedAmount: number;
  outstandingAmount: number;
  discrepancies: Discrepancy[];
}
export interface Reconciliation {
  period: string;
  generatedAt: string;
  clean: boolean;
  tenants: TenantReconciliation[];
}

export interface StatementLine {
  id: string;
  bookingDate: string;
  amount: number;
  label: string;
  counterparty: string | null;
  reference: string | null;
  status: 'matched' | 'unmatched' | 'debit';
  reason: string | null;
  candidates: string[];
}
export interface StatementImport {
  statementId: string;
  format: string;
  lineCount: number;
  newLines: number;
  matched: number;
  unmatched: number;
  lines: StatementLine[];
}

export interface ApiKeyCreated {
  id: string;
  key: string;
  role: string;
  createdAt: string;
}
