import { basisPointsToPercent, centsToDecimal, cii102 } from './decimal.js';
import { assertFacturxReady, compact, sirenOf, vatCategory } from './rules.js';
import type { BillingDocument, DocumentLine, DocumentNote, DocumentParty, NoteSubjectCode } from './types.js';
import { leaf, node, renderXml, required, type XmlChild, type XmlElement } from './xml.js';

/** The Factur-X EN 16931 (COMFORT) profile: the guideline of the EN itself (BT-24). */
export const EN16931_GUIDELINE = 'urn:cen.eu:en16931:2017';

const NAMESPACES = {
  'xmlns:rsm': 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
  'xmlns:qdt': 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
  'xmlns:ram': 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
  'xmlns:udt': 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
};

/** UNTDID 1001: 380 commercial invoice, 381 credit note. */
export const typeCodeOf = (doc: Pick<BillingDocument, 'kind'>) => (doc.kind === 'credit_note' ? '381' : '380');

const amount = (name: string, cents: number, attributes?: Record<string, string>) => leaf(name, centsToDecimal(cents), attributes);
const date = (name: string, value: string | null | undefined, prefix: 'udt' | 'qdt' = 'udt') =>
  value ? required(name, [leaf(`${prefix}:DateTimeString`, cii102(value), { format: '102' })]) : undefined;

/** Lower case without accents, to recognise a mention whatever its spelling. */
const plain = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * The subject code of a free-text note: the one the caller gave, or the French mandatory mention
 * the text is about when it is about exactly one (a note mixing several gets none: pass them as
 * separate notes to have each coded).
 */
export function noteSubject(note: string | DocumentNote): { content: string; subjectCode?: NoteSubjectCode } {
  if (typeof note !== 'string') return note.subjectCode ? { content: note.content, subjectCode: note.subjectCode } : { content: note.content };
  const text = plain(note);
  const subjects: NoteSubjectCode[] = [];
  if (/escompte/.test(text)) subjects.push('AAB');
  if (/penalite/.test(text)) subjects.push('PMD');
  if (/indemnite forfaitaire|frais de recouvrement/.test(text)) subjects.push('PMT');
  return subjects.length === 1 ? { content: note, subjectCode: subjects[0] as NoteSubjectCode } : { content: note };
}

/** BT-33: what French law wants printed about the seller's legal form, capital and register. */
export function sellerLegalInformation(party: DocumentParty): string | undefined {
  const capital = party.capital?.trim();
  const form = [party.legalForm?.trim(), capital ? (/^variable/i.test(capital) ? `à capital ${capital}` : `au capital de ${capital}`) : undefined].filter(Boolean).join(' ');
  const text = [form, party.rcs?.trim()].filter(Boolean).join(', ');
  return text || undefined;
}

/**
 * BT-20. BR-CO-25 wants terms or a due date whenever an amount is due, a credit note's amount
 * (due to the buyer) included: a credit note given neither says, plainly, whose favour it is in.
 */
export function paymentTermsOf(doc: BillingDocument): string | undefined {
  if (doc.paymentTerms?.trim()) return doc.paymentTerms;
  if (doc.kind !== 'credit_note' || doc.dueDate) return undefined;
  return doc.precedingInvoice ? `Avoir sur la facture ${doc.precedingInvoice.number} : montant en faveur du client.` : 'Avoir : montant en faveur du client.';
}

function party(name: string, value: DocumentParty, extra: { description?: string | undefined } = {}): XmlElement {
  const siret = compact(value.siret);
  const siren = sirenOf(value);
  const vat = compact(value.vatNumber);
  const address = value.address;
  return required(name, [
    // BT-29 / BT-46: the establishment (SIRET, ICD 0009).
    siret ? leaf('ram:GlobalID', siret, { schemeID: '0009' }) : undefined,
    leaf('ram:Name', value.name),
    extra.description ? leaf('ram:Description', extra.description) : undefined,
    // BT-30 / BT-47: the legal registration (SIREN, ICD 0002).
    siren ? required('ram:SpecifiedLegalOrganization', [leaf('ram:ID', siren, { schemeID: '0002' })]) : undefined,
    required('ram:PostalTradeAddress', [
      leaf('ram:PostcodeCode', address.postcode),
      leaf('ram:LineOne', address.line1),
      leaf('ram:LineTwo', address.line2),
      leaf('ram:CityName', address.city),
      leaf('ram:CountryID', address.country),
    ]),
    // BT-34 / BT-49: the electronic address, here an e-mail (EAS code EM).
    value.email?.trim() ? required('ram:URIUniversalCommunication', [leaf('ram:URIID', value.email.trim(), { schemeID: 'EM' })]) : undefined,
    vat ? required('ram:SpecifiedTaxRegistration', [leaf('ram:ID', vat, { schemeID: 'VA' })]) : undefined,
  ]);
}

function line(value: DocumentLine, index: number): XmlElement {
  // BR-27: the net price is never negative, so a negative line is one unit taken back.
  const negative = value.net < 0;
  return required('ram:IncludedSupplyChainTradeLineItem', [
    required('ram:AssociatedDocumentLineDocument', [
      leaf('ram:LineID', String(index + 1)),
      value.reference?.trim() ? required('ram:IncludedNote', [leaf('ram:Content', `Référence : ${value.reference}`)]) : undefined,
    ]),
    required('ram:SpecifiedTradeProduct', [leaf('ram:Name', value.description)]),
    required('ram:SpecifiedLineTradeAgreement', [required('ram:NetPriceProductTradePrice', [amount('ram:ChargeAmount', Math.abs(value.net))])]),
    required('ram:SpecifiedLineTradeDelivery', [leaf('ram:BilledQuantity', negative ? '-1' : '1', { unitCode: 'C62' })]),
    required('ram:SpecifiedLineTradeSettlement', [
      required('ram:ApplicableTradeTax', [
        leaf('ram:TypeCode', 'VAT'),
        leaf('ram:CategoryCode', vatCategory(value.vatRateBasisPoints)),
        leaf('ram:RateApplicablePercent', basisPointsToPercent(value.vatRateBasisPoints)),
      ]),
      // BT-134/135: the day of the service.
      required('ram:BillingSpecifiedPeriod', [date('ram:StartDateTime', value.date), date('ram:EndDateTime', value.date)]),
      required('ram:SpecifiedTradeSettlementLineMonetarySummation', [amount('ram:LineTotalAmount', value.net)]),
      // BT-128: the object the line bills (the delivery), as an invoiced object identifier (130).
      value.id?.trim() ? required('ram:AdditionalReferencedDocument', [leaf('ram:IssuerAssignedID', value.id), leaf('ram:TypeCode', '130')]) : undefined,
    ]),
  ]);
}

/**
 * The document as a Cross Industry Invoice (UN/CEFACT CII D16B) of the Factur-X EN 16931
 * profile. Throws a {@link FacturxError} listing the broken business rules when the document's
 * figures do not add up (see `facturxIssues`): an e-invoice is never written wrong.
 */
export function ciiXml(doc: BillingDocument): string {
  assertFacturxReady(doc);
  const isCreditNote = doc.kind === 'credit_note';
  const paid = doc.paidAmount ?? 0;
  const due = Number(BigInt(doc.total.gross) - BigInt(paid));
  const iban = compact(doc.seller.iban).toUpperCase();
  const bic = compact(doc.seller.bic).toUpperCase();
  const taxes: XmlChild[] = [...doc.vatBreakdown]
    .sort((a, b) => b.vatRateBasisPoints - a.vatRateBasisPoints)
    .map((rate) =>
      required('ram:ApplicableTradeTax', [
        amount('ram:CalculatedAmount', rate.vat),
        leaf('ram:TypeCode', 'VAT'),
        amount('ram:BasisAmount', rate.net),
        leaf('ram:CategoryCode', vatCategory(rate.vatRateBasisPoints)),
        leaf('ram:RateApplicablePercent', basisPointsToPercent(rate.vatRateBasisPoints)),
      ]),
    );
  const root = required('rsm:CrossIndustryInvoice', [
    required('rsm:ExchangedDocumentContext', [required('ram:GuidelineSpecifiedDocumentContextParameter', [leaf('ram:ID', EN16931_GUIDELINE)])]),
    required('rsm:ExchangedDocument', [
      leaf('ram:ID', doc.number),
      leaf('ram:TypeCode', typeCodeOf(doc)),
      date('ram:IssueDateTime', doc.issueDate),
      ...(doc.notes ?? [])
        .map(noteSubject)
        .filter((note) => note.content.trim() !== '')
        .map((note) => required('ram:IncludedNote', [leaf('ram:Content', note.content), leaf('ram:SubjectCode', note.subjectCode)])),
    ]),
    required('rsm:SupplyChainTradeTransaction', [
      ...doc.lines.map(line),
      required('ram:ApplicableHeaderTradeAgreement', [
        leaf('ram:BuyerReference', doc.buyer.reference),
        party('ram:SellerTradeParty', doc.seller, { description: sellerLegalInformation(doc.seller) }),
        party('ram:BuyerTradeParty', doc.buyer),
      ]),
      required('ram:ApplicableHeaderTradeDelivery', []),
      required('ram:ApplicableHeaderTradeSettlement', [
        isCreditNote ? undefined : leaf('ram:PaymentReference', doc.number),
        leaf('ram:InvoiceCurrencyCode', 'EUR'),
        // BG-16: a SEPA credit transfer (58) to the seller's account. A credit note is paid the other way.
        !isCreditNote && iban
          ? required('ram:SpecifiedTradeSettlementPaymentMeans', [
              leaf('ram:TypeCode', '58'),
              required('ram:PayeePartyCreditorFinancialAccount', [leaf('ram:IBANID', iban), leaf('ram:AccountName', doc.seller.name)]),
              bic ? required('ram:PayeeSpecifiedCreditorFinancialInstitution', [leaf('ram:BICID', bic)]) : undefined,
            ])
          : undefined,
        ...taxes,
        node('ram:BillingSpecifiedPeriod', [date('ram:StartDateTime', doc.periodStart), date('ram:EndDateTime', doc.periodEnd)]),
        node('ram:SpecifiedTradePaymentTerms', [leaf('ram:Description', paymentTermsOf(doc)), date('ram:DueDateDateTime', doc.dueDate)]),
        required('ram:SpecifiedTradeSettlementHeaderMonetarySummation', [
          amount('ram:LineTotalAmount', doc.total.net),
          amount('ram:TaxBasisTotalAmount', doc.total.net),
          amount('ram:TaxTotalAmount', doc.total.vat, { currencyID: 'EUR' }),
          amount('ram:GrandTotalAmount', doc.total.gross),
          doc.paidAmount !== undefined ? amount('ram:TotalPrepaidAmount', paid) : undefined,
          amount('ram:DuePayableAmount', due),
        ]),
        doc.precedingInvoice
          ? required('ram:InvoiceReferencedDocument', [
              leaf('ram:IssuerAssignedID', doc.precedingInvoice.number),
              date('ram:FormattedIssueDateTime', doc.precedingInvoice.issueDate, 'qdt'),
            ])
          : undefined,
      ]),
    ]),
  ]);
  return renderXml({ ...root, attributes: NAMESPACES });
}
