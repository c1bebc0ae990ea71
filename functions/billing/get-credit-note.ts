import { booksScope } from '../../shared/auth/access.js';
import { getCreditNote } from '../../shared/billing/credit-notes.js';
import { creditNoteDocument, documentFormat } from '../../shared/billing/documents.js';
import { ciiXml, facturxPdf } from '../../shared/billing/facturx.js';
import { billingRepository } from '../../shared/billing/repository.js';
import { billingRoutes } from '../../shared/billing/routes.js';
import { apiHandler } from '../../shared/http/handler.js';

export const handler = apiHandler(billingRoutes.getCreditNote, async ({ params, query, headers, principal }) => {
  const note = await getCreditNote(booksScope(principal), params.id);
  const format = documentFormat(query.format, headers.accept);
  if (format !== 'pdf' && format !== 'xml') return { status: 200, body: note };
  const invoice = await billingRepository.getInvoice(note.tenantId, note.invoiceId);
  const document = creditNoteDocument(note, invoice?.issuedAt ?? null);
  const disposition = { 'content-disposition': `inline; filename="avoir-${note.number}.${format}"` };
  if (format === 'pdf') return { status: 200, contentType: 'application/pdf', headers: disposition, body: await facturxPdf(document) };
  return { status: 200, contentType: 'application/xml; charset=utf-8', headers: disposition, body: ciiXml(document) };
});
