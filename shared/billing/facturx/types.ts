/**
 * The billing document as the Factur-X module reads it: an invoice or a credit note with its
 * parties, lines, VAT recap and totals, every amount in integer euro cents. The module turns it
 * into the CII XML of the EN 16931 profile and into a PDF/A-3 that carries that XML.
 */

export interface DocumentAddress {
  line1: string;
  line2?: string;
  postcode: string;
  city: string;
  /** ISO 3166-1 alpha-2 (`FR`). */
  country: string;
}

export interface DocumentParty {
  name: string;
  /** 9 digits: the legal registration identifier (BT-30 / BT-47, scheme 0002). */
  siren?: string | null;
  /** 14 digits: SIREN + establishment number (BT-29 / BT-46, scheme 0009). */
  siret?: string | null;
  /** Intra-community VAT number, `FR` + 11 characters (BT-31 / BT-48). */
  vatNumber?: string | null;
  /** `SCOP SARL`, `SAS`… (printed, and in the seller's additional legal information BT-33). */
  legalForm?: string | null;
  /** Share capital as printed: `10 000 €`, `variable`. */
  capital?: string | null;
  /** Trade register: `RCS Lyon 123 456 789`. */
  rcs?: string | null;
  /** Electronic address (BT-34 / BT-49, scheme EM) and printed contact. */
  email?: string | null;
  address: DocumentAddress;
}

export interface DocumentLine {
  id: string;
  description: string;
  /** YYYY-MM-DD: the date of the service (the line's period, BT-134/135). */
  date: string;
  reference?: string | null;
  /** 2000 = 20 %. */
  vatRateBasisPoints: number;
  /** Integer euro cents, gross = net + vat. */
  net: number;
  vat: number;
  gross: number;
}

/**
 * BT-22 subject codes (UNTDID 4451) the French e-invoicing rules ask for (BR-FR-05): AAB early
 * payment discount, PMD late-payment penalties, PMT the flat recovery fee; REG regulatory
 * information, AAI general information.
 */
export type NoteSubjectCode = 'AAB' | 'PMD' | 'PMT' | 'REG' | 'AAI' | (string & {});

export interface DocumentNote {
  content: string;
  subjectCode?: NoteSubjectCode | null;
}

export interface BillingDocument {
  kind: 'invoice' | 'credit_note';
  /** `F2026-000123`, or `A2026-000001` for a credit note. */
  number: string;
  /** YYYY-MM-DD (Europe/Paris). */
  issueDate: string;
  /** YYYY-MM-DD. */
  dueDate?: string | null;
  /** YYYY-MM-DD: the service period (BT-73/74). */
  periodStart?: string;
  periodEnd?: string;
  seller: DocumentParty & { iban?: string | null; bic?: string | null };
  /** `reference`: our tenant id, the buyer reference (BT-10). */
  buyer: DocumentParty & { reference?: string | null };
  lines: DocumentLine[];
  vatBreakdown: Array<{ vatRateBasisPoints: number; net: number; vat: number }>;
  total: { net: number; vat: number; gross: number };
  /** Cents already paid (BT-113): the amount due is gross − paid. */
  paidAmount?: number;
  /** The invoice a credit note corrects (BT-25/26). */
  precedingInvoice?: { number: string; issueDate: string } | null;
  /**
   * Free text (BT-22). A plain string gets a subject code when it is plainly about one of the
   * French mandatory mentions (escompte → AAB, pénalités → PMD, indemnité forfaitaire → PMT);
   * pass `{ content, subjectCode }` to choose it.
   */
  notes?: Array<string | DocumentNote>;
  /** BT-20. */
  paymentTerms?: string;
}
