import fontkit from '@cantoo/fontkit';
import { PDFDocument, rgb, type PDFPage } from '@cantoo/pdf-lib';
import { Fonts } from '../billing/facturx/fonts.js';
import { NOTO_SANS_BOLD_WOFF, NOTO_SANS_REGULAR_WOFF } from '../billing/facturx/noto-sans.js';
import { labelLines, type Label } from './layout.js';
import { darkRuns, qrMatrix } from './qr.js';

export const labelFormats = ['a6', 'a4'] as const;
export type LabelFormat = (typeof labelFormats)[number];

/** 105 × 148 mm and 210 × 297 mm, in PDF points (1 pt = 1/72 in). */
export const A6: [number, number] = [297.64, 419.53];
export const A4: [number, number] = [595.28, 841.89];

const MARGIN = 14;
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.35, 0.35, 0.35);
const CUT = rgb(0.6, 0.6, 0.6);

/** Draws one label in the A6 box whose bottom-left corner is (x, y). */
function drawLabel(page: PDFPage, fonts: Fonts, label: Label, x: number, y: number): void {
  const [width, height] = A6;
  const inner = width - 2 * MARGIN;
  let top = y + height - MARGIN;

  const hub = fonts.fit(label.hubName, fonts.bold, 8, inner);
  page.drawText(hub, { x: x + MARGIN, y: top - 8, size: 8, font: fonts.bold, color: GREY });
  top -= 14;

  // The QR code, centred, its quiet zone included: as large as the layout allows.
  const matrix = qrMatrix(label.code);
  const side = Math.min(inner, 200);
  const module = side / matrix.size;
  const left = x + (width - side) / 2;
  const qrTop = top;
  for (const [row, column, length] of darkRuns(matrix)) {
    page.drawRectangle({ x: left + column * module, y: qrTop - (row + 1) * module, width: length * module, height: module, color: BLACK });
  }
  top -= side + 2;

  for (const [index, line] of labelLines(label).entries()) {
    const font = line.bold ? fonts.bold : fonts.regular;
    const text = fonts.fit(line.text, font, line.size, inner);
    const textWidth = font.widthOfTextAtSize(text, line.size);
    // The code, under the QR code, centred; the rest aligned left.
    const lineX = index === 0 ? x + (width - textWidth) / 2 : x + MARGIN;
    top -= line.size * 1.18;
    page.drawText(text, { x: lineX, y: top, size: line.size, font, color: line.english ? GREY : BLACK });
    if (!line.english) top -= 1.5;
  }
}

function dashed(page: PDFPage, from: { x: number; y: number }, to: { x: number; y: number }): void {
  page.drawLine({ start: from, end: to, thickness: 0.5, color: CUT, dashArray: [4, 3] });
}

/**
 * The labels as a PDF: one A6 page per label, or four per A4 page (2 × 2, with dashed cut lines).
 * Noto Sans (regular and bold) is embedded once per document, as a subset of the glyphs used.
 */
export async function labelsPdf(labels: readonly Label[], format: LabelFormat, title = 'Étiquettes'): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const fonts = new Fonts(
    await pdf.embedFont(Buffer.from(NOTO_SANS_REGULAR_WOFF, 'base64'), { subset: true }),
    await pdf.embedFont(Buffer.from(NOTO_SANS_BOLD_WOFF, 'base64'), { subset: true }),
  );
  pdf.setTitle(fonts.printable(title));
  pdf.setCreator('delivery-hub');
  if (format === 'a6') {
    for (const label of labels) drawLabel(pdf.addPage(A6), fonts, label, 0, 0);
  } else {
    const [width, height] = A4;
    const cellHeight = height / 2;
    for (let first = 0; first < labels.length; first += 4) {
      const page = pdf.addPage(A4);
      dashed(page, { x: width / 2, y: 0 }, { x: width / 2, y: height });
      dashed(page, { x: 0, y: cellHeight }, { x: width, y: cellHeight });
      labels.slice(first, first + 4).forEach((label, index) => {
        const column = index % 2;
        const row = Math.floor(index / 2);
        // Each label sits in its quarter's top-left corner (an A6 is 1.4 pt shorter than a quarter of A4).
        drawLabel(page, fonts, label, column * (width / 2), height - (row + 1) * cellHeight + (cellHeight - A6[1]));
      });
    }
  }
  return pdf.save();
}
