import { creditNoteDocument, invoiceDocument } from './documents.js';
import { resolveDocumentLink } from './document-links.js';
import { invoiceErrors } from './errors.js';
import { facturxPdf } from './facturx.js';
import { withLines } from './invoices.js';
import { billingRepository as repository } from './repository.js';

/** The PDF a document link names: an unknown or expired link is the same 404 as a missing invoice. */
export async function documentFor(token: string, now = new Date()): Promise<{ fileName: string; pdf: Uint8Array }> {
  const link = await resolveDocumentLink(token, now);
  const missing = () => invoiceErrors.notFound('document');
  if (!link) throw missing();
  const invoice = await repository.getInvoice(link.tenantId, link.invoiceId);
  if (!invoice || invoice.status === 'draft') throw missing();
  if (link.kind === 'credit_note') {
    const note = (await repository.listInvoiceCreditNotes(link.tenantId, link.invoiceId)).find((candidate) => candidate.id === link.creditNoteId);
    if (!note) throw missing();
    return { fileName: `avoir-${note.number}.pdf`, pdf: await facturxPdf(creditNoteDocument(note, invoice.issuedAt)) };
  }
  const [full] = await withLines([invoice], now);
  if (!full) throw missing();
  return { fileName: `facture-${invoice.number}.pdf`, pdf: await facturxPdf(invoiceDocument(full)) };
}
