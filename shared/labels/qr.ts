import QRCode from 'qrcode';

/** The quiet zone around a QR code, in modules: the standard's four (ISO/IEC 18004). */
export const QUIET_ZONE = 4;

/**
 * A QR code as a square of modules, the quiet zone included (`dark[row][column]`), from the
 * `qrcode` library's encoder at error correction level M (15 % of the code may be damaged or
 * smudged and it still reads). The labels draw it as vector squares: sharp at any printer's
 * resolution, and a few hundred bytes in the PDF.
 */
export interface QrMatrix {
  /** Modules per side, quiet zone included. */
  size: number;
  dark: boolean[][];
}

export function qrMatrix(text: string): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size + 2 * QUIET_ZONE;
  const dark = Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, column) => {
      const r = row - QUIET_ZONE;
      const c = column - QUIET_ZONE;
      return r >= 0 && c >= 0 && r < modules.size && c < modules.size && modules.data[r * modules.size + c] === 1;
    }),
  );
  return { size, dark };
}

/**
 * The dark modules of each row merged into horizontal runs (`[row, firstColumn, length]`): one
 * rectangle per run instead of one per module keeps the PDF small.
 */
export function darkRuns(matrix: QrMatrix): Array<[number, number, number]> {
  const runs: Array<[number, number, number]> = [];
  matrix.dark.forEach((line, row) => {
    let start = -1;
    for (let column = 0; column <= line.length; column += 1) {
      const isDark = column < line.length && line[column] === true;
      if (isDark && start < 0) start = column;
      if (!isDark && start >= 0) {
        runs.push([row, start, column - start]);
        start = -1;
      }
    }
  });
  return runs;
}
