import { createHash } from 'node:crypto';
import fontkit from '@cantoo/fontkit';
import { AFRelationship, PDFDocument, PDFHexString, embedFacturX, rgb, type PDFFont, type PDFPage } from '@cantoo/pdf-lib';
import { ciiXml, paymentTermsOf, sellerLegalInformation } from './cii.js';
import { frenchDate, frenchEuros, frenchRate } from './decimal.js';
import { Fonts } from './fonts.js';
import { NOTO_SANS_BOLD_WOFF, NOTO_SANS_REGULAR_WOFF } from './noto-sans.js';
import { compact, sirenOf } from './rules.js';
import type { BillingDocument, DocumentParty } from './types.js';
import { xmlSafe } from './xml.js';

/** The name Factur-X gives the embedded XML (and `fx:DocumentFileName`). */
export const FACTURX_FILE_NAME = 'factur-x.xml';

export interface FacturxPdfOptions {
  /**
   * The PDF's creation and modification date (Info dictionary, XMP, embedded file). Defaults to
   * the issue date at 00:00 UTC, so that the same document always gives the same bytes.
   */
  generatedAt?: Date;
}

const PAGE: [number, number] = [595.28, 841.89]; // A4
const MARGIN = 42;
const RIGHT = PAGE[0] - MARGIN;
const FOOTER = 44; // reserved at the bottom of every page
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.38, 0.38, 0.38);
const RULE = rgb(0.75, 0.75, 0.75);
const SHADE = rgb(0.93, 0.93, 0.93);

interface TextStyle {
  font?: 'regular' | 'bold';
  size?: number;
  color?: ReturnType<typeof rgb>;
}

/** Draws the pages top to bottom, starting a new page when the next block does not fit. */
class Layout {
  page!: PDFPage;
  y = 0;
  readonly pages: PDFPage[] = [];

  constructor(
    readonly pdf: PDFDocument,
    readonly fonts: Fonts,
    private readonly continuation: (layout: Layout) => void,
  ) {
    this.addPage();
  }

  addPage(): void {
    this.page = this.pdf.addPage(PAGE);
    this.pages.push(this.page);
    this.y = PAGE[1] - MARGIN;
    if (this.pages.length > 1) this.continuation(this);
  }

  /** Makes room for `height` points, on a new page if needed; true when a page was added. */
  ensure(height: number): boolean {
    if (this.y - height >= MARGIN + FOOTER) return false;
    this.addPage();
    return true;
  }

  font(style: TextStyle): PDFFont {
    return style.font === 'bold' ? this.fonts.bold : this.fonts.regular;
  }

  width(text: string, style: TextStyle = {}): number {
    return this.font(style).widthOfTextAtSize(this.fonts.printable(text), style.size ?? 9);
  }

  text(text: string, x: number, y: number, style: TextStyle = {}, page: PDFPage = this.page): void {
    const printable = this.fonts.printable(text);
    if (printable.trim() === '') return;
    page.drawText(printable, { x, y, font: this.font(style), size: style.size ?? 9, color: style.color ?? BLACK });
  }

  /** Right-aligned at `right`. */
  textRight(text: string, right: number, y: number, style: TextStyle = {}): void {
    this.text(text, right - this.width(text, style), y, style);
  }

  /** The text cut into lines no wider than `width` (words kept whole unless one alone is too wide). */
  wrap(text: string, width: number, style: TextStyle = {}): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split(/\r?\n/)) {
      let current = '';
      for (const word of this.fonts.printable(paragraph).split(' ').filter(Boolean)) {
        const candidate = current ? `${current} ${word}` : word;
        if (this.width(candidate, style) <= width) {
          current = candidate;
          continue;
        }
        if (current) lines.push(current);
        current = '';
        let rest = word;
        while (this.width(rest, style) > width) {
          let cut = rest.length - 1;
          while (cut > 1 && this.width(rest.slice(0, cut), style) > width) cut -= 1;
          lines.push(rest.slice(0, cut));
          rest = rest.slice(cut);
        }
        current = rest;
      }
      if (current) lines.push(current);
    }
    return lines;
  }

  /** A wrapped paragraph at the cursor, moving it down. */
  paragraph(text: string, x: number, width: number, style: TextStyle = {}): void {
    const size = style.size ?? 9;
    for (const line of this.wrap(text, width, style)) {
      this.ensure(size * 1.35);
      this.y -= size * 1.35;
      this.text(line, x, this.y, style);
    }
  }

  rule(y: number, from = MARGIN, to = RIGHT, color = RULE): void {
    this.page.drawLine({ start: { x: from, y }, end: { x: to, y }, thickness: 0.5, color });
  }
}

const group = (value: string, size: number) => value.replace(new RegExp(`(.{${size}})(?=.)`, 'g'), '$1 ');
const formatSiren = (siren: string) => siren.replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3');
const formatSiret = (siret: string) => siret.replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, '$1 $2 $3 $4');

function identifiers(party: DocumentParty, withSiret: boolean): string[] {
  const siret = compact(party.siret);
  const siren = sirenOf(party);
  const vat = compact(party.vatNumber);
  return [
    withSiret && siret ? `SIRET : ${formatSiret(siret)}` : siren ? `SIREN : ${formatSiren(siren)}` : undefined,
    vat ? `N° TVA intracommunautaire : ${vat}` : undefined,
  ].filter((line): line is string => Boolean(line));
}

const addressLines = (party: DocumentParty) => [party.address.line1, party.address.line2, `${party.address.postcode} ${party.address.city}`, party.address.country === 'FR' ? undefined : party.address.country].filter((line): line is string => Boolean(line?.trim()));

/** The visible pages: the document in French, with every mention French law asks of a B2B invoice. */
function draw(pdf: PDFDocument, fonts: Fonts, doc: BillingDocument): void {
  const isCreditNote = doc.kind === 'credit_note';
  const title = isCreditNote ? 'AVOIR' : 'FACTURE';
  const layout = new Layout(pdf, fonts, (next) => {
    next.text(`${isCreditNote ? 'Avoir' : 'Facture'} ${doc.number} (suite)`, MARGIN, next.y - 10, { font: 'bold', size: 10 });
    next.y -= 24;
  });
  const top = layout.y;

  // Seller, top left.
  let left = top + 2;
  for (const line of layout.wrap(doc.seller.name, 260, { font: 'bold', size: 12 })) {
    left -= 14;
    layout.text(line, MARGIN, left, { font: 'bold', size: 12 });
  }
  for (const line of [...addressLines(doc.seller), doc.seller.email ?? '']) {
    if (!line) continue;
    left -= 11.5;
    layout.text(line, MARGIN, left);
  }
  left -= 4;
  const legal = sellerLegalInformation(doc.seller);
  for (const line of [...identifiers(doc.seller, true), ...(legal ? layout.wrap(legal, 250, { size: 8 }) : [])]) {
    left -= 10.5;
    layout.text(line, MARGIN, left, { size: 8, color: GREY });
  }

  // Title and dates, top right.
  let right = top - 16;
  layout.textRight(title, RIGHT, right, { font: 'bold', size: 18 });
  right -= 16;
  layout.textRight(`N° ${doc.number}`, RIGHT, right, { font: 'bold', size: 11 });
  const dates = [
    `Date d'émission : ${frenchDate(doc.issueDate)}`,
    doc.dueDate ? `Date d'échéance : ${frenchDate(doc.dueDate)}` : undefined,
    doc.periodStart && doc.periodEnd ? `Période : du ${frenchDate(doc.periodStart)} au ${frenchDate(doc.periodEnd)}` : undefined,
    doc.precedingInvoice ? `Avoir sur la facture ${doc.precedingInvoice.number} du ${frenchDate(doc.precedingInvoice.issueDate)}` : undefined,
  ];
  for (const line of dates) {
    if (!line) continue;
    right -= 12;
    layout.textRight(line, RIGHT, right);
  }

  // Buyer, in a frame on the right.
  const boxX = 318;
  const boxWidth = RIGHT - boxX;
  const buyerLines: Array<[string, TextStyle]> = [
    ...layout.wrap(doc.buyer.name, boxWidth - 16, { font: 'bold', size: 10 }).map((line): [string, TextStyle] => [line, { font: 'bold', size: 10 }]),
    ...addressLines(doc.buyer).flatMap((line) => layout.wrap(line, boxWidth - 16).map((part): [string, TextStyle] => [part, {}])),
    ...[...identifiers(doc.buyer, false), doc.buyer.reference ? `Référence client : ${doc.buyer.reference}` : '', doc.buyer.email ?? '']
      .filter(Boolean)
      .map((line): [string, TextStyle] => [line, { size: 8, color: GREY }]),
  ];
  const boxTop = right - 14;
  const boxHeight = 22 + buyerLines.length * 11.5;
  layout.page.drawRectangle({ x: boxX, y: boxTop - boxHeight, width: boxWidth, height: boxHeight, borderColor: RULE, borderWidth: 0.5 });
  layout.text(isCreditNote ? 'Client' : 'Facturé à', boxX + 8, boxTop - 12, { size: 7.5, color: GREY });
  let buyerY = boxTop - 14;
  for (const [line, style] of buyerLines) {
    buyerY -= 11.5;
    layout.text(line, boxX + 8, buyerY, style);
  }
  layout.y = Math.min(left, boxTop - boxHeight) - 22;

  // The lines.
  const columns = { date: MARGIN + 3, description: MARGIN + 56, rate: RIGHT - 186, net: RIGHT - 126, vat: RIGHT - 66, gross: RIGHT - 3 };
  const descriptionWidth = columns.rate - 46 - columns.description;
  const tableHeader = () => {
    layout.ensure(18);
    layout.page.drawRectangle({ x: MARGIN, y: layout.y - 16, width: RIGHT - MARGIN, height: 16, color: SHADE });
    const y = layout.y - 11;
    const style: TextStyle = { font: 'bold', size: 8 };
    layout.text('Date', columns.date, y, style);
    layout.text('Désignation', columns.description, y, style);
    layout.textRight('TVA', columns.rate, y, style);
    layout.textRight('Montant HT', columns.net, y, style);
    layout.textRight('Montant TVA', columns.vat, y, style);
    layout.textRight('Montant TTC', columns.gross, y, style);
    layout.y -= 16;
  };
  tableHeader();
  for (const line of doc.lines) {
    const description = layout.wrap(line.description, descriptionWidth);
    const details = [line.reference ? `Réf. ${line.reference}` : '', line.id].filter(Boolean).join(' · ');
    const detailLines = details ? layout.wrap(details, descriptionWidth, { size: 7 }) : [];
    const height = 6 + description.length * 11 + detailLines.length * 9;
    if (layout.ensure(height)) tableHeader();
    let y = layout.y - 11;
    layout.text(frenchDate(line.date), columns.date, y);
    layout.textRight(frenchRate(line.vatRateBasisPoints), columns.rate, y);
    layout.textRight(frenchEuros(line.net), columns.net, y);
    layout.textRight(frenchEuros(line.vat), columns.vat, y);
    layout.textRight(frenchEuros(line.gross), columns.gross, y);
    for (const [index, part] of description.entries()) layout.text(part, columns.description, y - index * 11);
    y -= description.length * 11 - 2;
    for (const part of detailLines) {
      layout.text(part, columns.description, y, { size: 7, color: GREY });
      y -= 9;
    }
    layout.y -= height;
    layout.rule(layout.y);
  }

  // VAT recap (left) and totals (right), kept together.
  const paid = doc.paidAmount ?? 0;
  const due = doc.total.gross - paid;
  const totals: Array<[string, number, boolean]> = [
    ['Total HT', doc.total.net, false],
    ['Total TVA', doc.total.vat, false],
    [isCreditNote ? 'Total TTC de l’avoir' : 'Total TTC', doc.total.gross, true],
    ...((paid !== 0
      ? [
          [isCreditNote ? 'Déjà imputé ou remboursé' : 'Déjà réglé', paid, false],
          [isCreditNote ? 'Reste en votre faveur' : 'Reste à payer', due, true],
        ]
      : isCreditNote
        ? []
        : [['Net à payer', due, true]]) as Array<[string, number, boolean]>),
  ];
  const recapRows = [...doc.vatBreakdown].sort((a, b) => b.vatRateBasisPoints - a.vatRateBasisPoints);
  layout.ensure(22 + Math.max(totals.length * 14, (recapRows.length + 1) * 12 + 14));
  layout.y -= 18;
  const blockTop = layout.y;
  const recap = { rate: MARGIN + 3, net: MARGIN + 150, vat: MARGIN + 215, gross: MARGIN + 285 };
  layout.text('Récapitulatif de la TVA', MARGIN, blockTop, { font: 'bold', size: 9 });
  let recapY = blockTop - 14;
  for (const [label, x] of [['Base HT', recap.net], ['TVA', recap.vat], ['TTC', recap.gross]] as const) layout.textRight(label, x, recapY, { size: 8, color: GREY });
  layout.text('Taux', recap.rate, recapY, { size: 8, color: GREY });
  for (const rate of recapRows) {
    recapY -= 12;
    layout.text(`${frenchRate(rate.vatRateBasisPoints)}${rate.vatRateBasisPoints === 0 ? ' (taux zéro)' : ''}`, recap.rate, recapY, { size: 8.5 });
    layout.textRight(frenchEuros(rate.net), recap.net, recapY, { size: 8.5 });
    layout.textRight(frenchEuros(rate.vat), recap.vat, recapY, { size: 8.5 });
    layout.textRight(frenchEuros(rate.net + rate.vat), recap.gross, recapY, { size: 8.5 });
  }
  let totalY = blockTop + 2;
  for (const [label, cents, strong] of totals) {
    totalY -= 14;
    const style: TextStyle = strong ? { font: 'bold', size: 10 } : { size: 9 };
    layout.text(label, RIGHT - 190, totalY, style);
    layout.textRight(frenchEuros(cents), RIGHT - 3, totalY, style);
  }
  layout.y = Math.min(recapY, totalY) - 10;

  // Payment.
  const iban = compact(doc.seller.iban).toUpperCase();
  const bic = compact(doc.seller.bic).toUpperCase();
  const payment = [
    !isCreditNote && doc.dueDate ? `Échéance : ${frenchDate(doc.dueDate)}` : undefined,
    paymentTermsOf(doc),
    !isCreditNote && iban ? `Virement : IBAN ${group(iban, 4)}${bic ? ` · BIC ${bic}` : ''} · référence ${doc.number}` : undefined,
  ].filter((line): line is string => Boolean(line?.trim()));
  if (payment.length > 0) {
    layout.ensure(30);
    layout.y -= 12;
    layout.text(isCreditNote ? 'Règlement' : 'Paiement', MARGIN, layout.y, { font: 'bold', size: 9 });
    layout.y -= 2;
    for (const line of payment) layout.paragraph(line, MARGIN, RIGHT - MARGIN, { size: 8.5 });
  }

  const notes = (doc.notes ?? []).map((note) => (typeof note === 'string' ? note : note.content)).filter((note) => note.trim() !== '');
  if (notes.length > 0) {
    layout.ensure(30);
    layout.y -= 14;
    layout.text('Mentions', MARGIN, layout.y, { font: 'bold', size: 9 });
    layout.y -= 2;
    for (const note of notes) layout.paragraph(note, MARGIN, RIGHT - MARGIN, { size: 8.5 });
  }

  // Footer of every page.
  const sellerLine = [doc.seller.name, legal, ...identifiers(doc.seller, true)].filter(Boolean).join(' · ');
  layout.pages.forEach((page, index) => {
    page.drawLine({ start: { x: MARGIN, y: MARGIN + 24 }, end: { x: RIGHT, y: MARGIN + 24 }, thickness: 0.5, color: RULE });
    const footer = layout.wrap(sellerLine, RIGHT - MARGIN - 60, { size: 7 });
    footer.slice(0, 2).forEach((line, row) => layout.text(line, MARGIN, MARGIN + 15 - row * 8.5, { size: 7, color: GREY }, page));
    layout.text(`Page ${index + 1} / ${layout.pages.length}`, RIGHT - layout.width(`Page ${index + 1} / ${layout.pages.length}`, { size: 7 }), MARGIN + 15, { size: 7, color: GREY }, page);
    layout.text(`Facture électronique Factur-X (profil EN 16931) : les données structurées sont jointes à ce PDF (${FACTURX_FILE_NAME}).`, MARGIN, MARGIN - 2, { size: 6.5, color: GREY }, page);
  });
}

/**
 * The document as a Factur-X PDF: a PDF/A-3B whose pages show it in French and which carries its
 * CII XML ({@link ciiXml}) as `factur-x.xml` (AFRelationship Alternative, the relationship
 * Factur-X asks for the EN 16931 profile), with the XMP Factur-X extension schema
 * (DocumentType INVOICE, Version 1.0, ConformanceLevel EN 16931). @cantoo/pdf-lib does the
 * PDF/A-3 part (sRGB output intent, XMP kept equal to the Info dictionary, file identifier,
 * associated file in the catalog's /AF); the text uses embedded Noto Sans subsets, as PDF/A
 * requires. Throws a `FacturxError` when the document breaks an EN 16931 business rule.
 */
export async function facturxPdf(doc: BillingDocument, options: FacturxPdfOptions = {}): Promise<Uint8Array> {
  const xml = ciiXml(doc);
  const generatedAt = options.generatedAt ?? new Date(`${doc.issueDate}T00:00:00Z`);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.registerFontkit(fontkit);
  // Fixed subset tags (six capitals, PDF 32000 9.6.4) rather than random suffixes: same input, same bytes.
  const regular = await pdf.embedFont(Buffer.from(NOTO_SANS_REGULAR_WOFF, 'base64'), { subset: true, customName: 'FXNSRG+NotoSans-Regular' });
  const bold = await pdf.embedFont(Buffer.from(NOTO_SANS_BOLD_WOFF, 'base64'), { subset: true, customName: 'FXNSBD+NotoSans-Bold' });
  draw(pdf, new Fonts(regular, bold), doc);

  // The Info dictionary is mirrored into the XMP, an XML packet: only characters XML can carry.
  const kind = doc.kind === 'credit_note' ? 'Avoir' : 'Facture';
  const [number, sellerName, buyerName] = [doc.number, doc.seller.name, doc.buyer.name].map(xmlSafe) as [string, string, string];
  pdf.setTitle(`${kind} ${number}`);
  pdf.setAuthor(sellerName);
  pdf.setSubject(`${kind} ${number} du ${frenchDate(doc.issueDate)}, ${sellerName} à ${buyerName}`);
  pdf.setKeywords(['Factur-X', 'EN 16931', kind, number]);
  pdf.setCreator('delivery-hub');
  pdf.setProducer('delivery-hub (@cantoo/pdf-lib)');
  pdf.setCreationDate(generatedAt);
  pdf.setModificationDate(generatedAt);
  pdf.setLanguage('fr-FR');
  // The file identifier PDF/A requires, derived from the content instead of random bytes.
  const id = PDFHexString.of(createHash('sha256').update(xml).digest('hex').slice(0, 32));
  pdf.context.trailerInfo.ID = pdf.context.obj([id, id]);

  await embedFacturX(pdf, new TextEncoder().encode(xml), {
    fileName: FACTURX_FILE_NAME,
    conformanceLevel: 'EN 16931',
    version: '1.0',
    documentType: 'INVOICE',
    afRelationship: AFRelationship.Alternative,
    description: `${kind} ${number} : données Factur-X (EN 16931)`,
    creationDate: generatedAt,
    modificationDate: generatedAt,
  });
  return pdf.save();
}

/** The XML names hybrid invoices embed: Factur-X, then the ZUGFeRD and XRechnung ones. */
const INVOICE_FILE_NAMES = [FACTURX_FILE_NAME, 'zugferd-invoice.xml', 'zugferd_invoice.xml', 'xrechnung.xml'];

/** The Factur-X (or ZUGFeRD) XML embedded in a PDF, or undefined when it carries none. */
export async function extractFacturxXml(pdf: Uint8Array): Promise<string | undefined> {
  const document = await PDFDocument.load(pdf, { updateMetadata: false, ignoreEncryption: true });
  const attachments = document.getAttachments();
  for (const name of INVOICE_FILE_NAMES) {
    const attachment = attachments.find((candidate) => candidate.name.toLowerCase() === name);
    if (attachment) return new TextDecoder('utf-8').decode(attachment.data);
  }
  return undefined;
}
