import { formatDecimal, type Language } from '../i18n/language.js';

/** The kinds of price line: stable codes, for programs (labels are for people, made from them). */
export type PriceLineCode = 'base' | 'distance' | 'weight' | 'volume' | 'express' | 'hub';

/**
 * The words of a price line, in each language. A line's `code` and `threshold` are its facts;
 * the label is made from them for whoever reads it, so one delivery reads the same way on every
 * request in a given language, whatever language it was booked in.
 */
const labels: Record<Language, Record<PriceLineCode, (threshold: string | undefined) => string>> = {
  fr: {
    base: () => 'Prise en charge',
    distance: (km) => (km === undefined ? 'Distance' : `Distance au-delà de ${km} km`),
    weight: (kg) => (kg === undefined ? 'Poids' : `Poids jusqu’à ${kg} kg`),
    volume: (liters) => (liters === undefined ? 'Volume' : `Volume au-delà de ${liters} L`),
    express: () => 'Service express',
    hub: () => 'Passage par le hub',
  },
  en: {
    base: () => 'Base fare',
    distance: (km) => (km === undefined ? 'Distance' : `Distance beyond ${km} km`),
    weight: (kg) => (kg === undefined ? 'Weight' : `Weight up to ${kg} kg`),
    volume: (liters) => (liters === undefined ? 'Volume' : `Volume beyond ${liters} L`),
    express: () => 'Express service',
    hub: () => 'Hub handling',
  },
};

export interface LabelledLine {
  code: string;
  label: string;
  amount: number;
  threshold?: number | undefined;
}

function isKnownCode(code: string): code is PriceLineCode {
  return Object.hasOwn(labels.fr, code);
}

/**
 * Lines priced before `threshold` was stored carry it only in their English label
 * ("Distance beyond 3.0 km", "Weight up to 30 kg", "Volume beyond 150 L"): read it back from there.
 */
function thresholdOf(line: LabelledLine): number | undefined {
  if (line.threshold !== undefined) return line.threshold;
  const written = /(\d+(?:\.\d+)?) (?:km|kg|L)$/.exec(line.label)?.[1];
  return written === undefined ? undefined : Number(written);
}

/** The label of a line in a language; undefined for a code this version does not know. */
export function priceLineLabel(line: { code: string; threshold?: number | undefined }, language: Language): string | undefined {
  if (!isKnownCode(line.code)) return undefined;
  const threshold = line.threshold;
  const written = threshold === undefined ? undefined : line.code === 'distance' ? formatDecimal(threshold, language, 1) : formatDecimal(threshold, language);
  return labels[language][line.code](written);
}

/** The lines with their labels in `language`; a line this version cannot label keeps the label it was stored with. */
export function localizeLines<L extends LabelledLine>(lines: readonly L[], language: Language): L[] {
  return lines.map((line) => {
    const label = priceLineLabel({ code: line.code, threshold: thresholdOf(line) }, language);
    return label === undefined || label === line.label ? line : { ...line, label };
  });
}
