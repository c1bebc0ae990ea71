/**
 * Factur-X: the Franco-German hybrid e-invoice that French law accepts for B2B invoicing (from
 * September 2027 for the cooperative's size): a PDF/A-3 a person reads, carrying the same
 * invoice as structured data, a UN/CEFACT Cross Industry Invoice (CII D16B) of the EN 16931
 * profile, embedded as `factur-x.xml`.
 *
 * Pure: a billing document in (amounts in integer cents), a string or bytes out; no I/O, no
 * clock (the PDF's dates default to the issue date), so the same document gives the same XML
 * and the same PDF.
 *
 * - {@link ciiXml}: the XML. Amounts are written from the cents by moving the decimal point in
 *   the string; the totals are ours, exactly, and satisfy the EN 16931 rules that recompute them
 *   (BR-CO-10/13/14/15/16, BR-S-08, BR-Z-08/09). VAT is computed per line and summed (French
 *   practice, what the customer was charged); EN 16931 recomputes each rate's VAT from its
 *   basis and accepts a gap below one euro (BR-S-09, BR-CO-17): always met up to 198 lines of
 *   one rate. A document beyond it (or whose figures do not add up) is refused with a
 *   `FacturxError` rather than written invalid; `facturxIssues` tells beforehand.
 * - VAT categories: S above 0 %, Z (zero rated) at 0 %. Z needs no exemption reason, which the
 *   document does not carry: E (exempt) would require one (BR-E-10), and writing a legal basis
 *   we do not know would be wrong. A tenant whose 0 % lines are in fact exempt, reverse-charged
 *   (AE) or out of scope (O) needs the document to say so first.
 * - Notes (BT-22): a plain string about exactly one French mandatory mention gets its subject
 *   code (AAB escompte, PMD pénalités, PMT indemnité forfaitaire, BR-FR-05); a string mixing
 *   several gets none, so pass them as separate notes (or as `{ content, subjectCode }`).
 * - BR-CO-25 wants payment terms or a due date whenever an amount is due: an invoice without
 *   either is refused; a credit note without either gets the plain term "montant en faveur du
 *   client".
 * - {@link facturxPdf}: the PDF/A-3B with the XML embedded (see facturx/pdf.ts).
 * - {@link extractFacturxXml}: the XML back out of such a PDF.
 */
export { ciiXml, EN16931_GUIDELINE, noteSubject, paymentTermsOf, typeCodeOf } from './facturx/cii.js';
export { extractFacturxXml, FACTURX_FILE_NAME, facturxPdf, type FacturxPdfOptions } from './facturx/pdf.js';
export { facturxIssues, FacturxError, VAT_ROUNDING_TOLERANCE_CENTS } from './facturx/rules.js';
export type { BillingDocument, DocumentAddress, DocumentLine, DocumentNote, DocumentParty, NoteSubjectCode } from './facturx/types.js';
