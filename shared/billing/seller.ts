import { config } from '../config.js';
import { logger } from '../logging/logger.js';
import { recordMetric } from '../observability/metrics.js';
import { sellerIdentityErrors } from './errors.js';
import type { Seller } from './schemas.js';

/**
 * The cooperative's identity as the seller on its invoices, read from configuration
 * (`BILLING_SELLER_*`: the environment locally, the stack's `-c seller=…` context in AWS), and
 * checked: French law wants a B2B invoice to carry the seller's SIREN or SIRET, VAT number, legal
 * form, share capital and RCS registration, and a transfer needs a real IBAN. Outside `prod` a
 * placeholder is only a warning (the local runtime says so once at start); in `prod` invoicing is
 * refused (`seller_identity_incomplete`) and counted (`InvoiceRefusedSellerIdentity`, alarmed).
 */

export interface SellerAddress {
  line1: string;
  line2?: string | undefined;
  postcode: string;
  city: string;
  /** ISO 3166 alpha-2 (`FR`). */
  country: string;
}

/**
 * Everything configuration says about the seller: the invoice's `Seller` (a `SellerIdentity` is a
 * `Seller`) and the rest of the registration. Values as configured; an optional field is absent
 * where not configured. `siren` is the configured one, else the SIRET's first nine digits.
 */
export interface SellerIdentity {
  name: string;
  address: SellerAddress;
  /** 14 digits, spaces allowed (`123 456 789 00012`). */
  siret: string;
  /** `FR` + 2 key digits + the SIREN. */
  vatNumber: string;
  /** The legal mentions printed on invoices: configured, else legal form, capital and RCS joined. */
  legalMentions: string;
  email: string | null;
  /** 9 digits, spaces allowed. */
  siren: string;
  /** `SCIC SAS à capital variable`, `SCOP SARL`… */
  legalForm?: string;
  /** Text: `à capital variable`, `10 000 €`. */
  capital?: string;
  /** `RCS Saint-Étienne 123 456 789`. */
  rcs?: string;
  iban?: string;
  bic?: string;
}

/**
 * What an invoice carries about its seller: the `Seller` shape (name, address, siret, vatNumber,
 * legalMentions, email) plus the registration, identifiers in their printed form; an optional
 * field is absent where not configured (never null).
 */
export type InvoiceSeller = Seller & {
  /** `123 456 789`. */
  siren: string;
  legalForm?: string;
  capital?: string;
  rcs?: string;
  /** Grouped by four: `FR76 3000 6000 0112 3456 7890 189`. */
  iban?: string;
  /** Upper case, no spaces: `AGRIFRPP871`. */
  bic?: string;
};

/**
 * Each field: its label in messages and its environment variable. The keys are the keys of the
 * CDK context's `seller` object (`address.line1` is `"address": { "line1": … }`).
 */
export const sellerFields = {
  name: { label: 'name', variable: 'BILLING_SELLER_NAME' },
  siren: { label: 'SIREN', variable: 'BILLING_SELLER_SIREN' },
  siret: { label: 'SIRET', variable: 'BILLING_SELLER_SIRET' },
  vatNumber: { label: 'VAT number', variable: 'BILLING_SELLER_VAT_NUMBER' },
  legalForm: { label: 'legal form', variable: 'BILLING_SELLER_LEGAL_FORM' },
  capital: { label: 'share capital', variable: 'BILLING_SELLER_CAPITAL' },
  rcs: { label: 'RCS registration', variable: 'BILLING_SELLER_RCS' },
  legalMentions: { label: 'legal mentions', variable: 'BILLING_SELLER_LEGAL_MENTIONS' },
  email: { label: 'e-mail', variable: 'BILLING_SELLER_EMAIL' },
  iban: { label: 'IBAN', variable: 'BILLING_SELLER_IBAN' },
  bic: { label: 'BIC', variable: 'BILLING_SELLER_BIC' },
  'address.line1': { label: 'address', variable: 'BILLING_SELLER_ADDRESS_LINE1' },
  'address.line2': { label: 'address (second line)', variable: 'BILLING_SELLER_ADDRESS_LINE2' },
  'address.postcode': { label: 'postcode', variable: 'BILLING_SELLER_POSTCODE' },
  'address.city': { label: 'city', variable: 'BILLING_SELLER_CITY' },
  'address.country': { label: 'country', variable: 'BILLING_SELLER_COUNTRY' },
} as const;

export type SellerField = keyof typeof sellerFields;

/** The values `shared/config.ts` falls back to: examples, never a real identity. */
export const sellerPlaceholders = {
  siret: '000 000 000 00000',
  vatNumber: 'FR00000000000',
  addressLine1: '12 rue de la Résistance',
} as const;

/** The seller's identity, as configuration says now (configuration is read on each call). */
export function sellerIdentity(): SellerIdentity {
  const { seller, sellerRegistration: registration } = config.billing;
  const { legalForm, capital, rcs, iban, bic } = registration;
  return {
    ...seller,
    address: { ...seller.address },
    siren: registration.siren ?? compact(seller.siret).slice(0, 9),
    ...(legalForm === null ? {} : { legalForm }),
    ...(capital === null ? {} : { capital }),
    ...(rcs === null ? {} : { rcs }),
    ...(iban === null ? {} : { iban }),
    ...(bic === null ? {} : { bic }),
  };
}

// ---------------------------------------------------------------------------------------------
// The checks of French and banking identifiers.

/** Without spaces, dots or dashes, upper case. */
function compact(value: string): string {
  return value.replace(/[\s.-]/g, '').toUpperCase();
}

/** The Luhn check (ISO/IEC 7812) on a string of digits: SIREN and SIRET use it. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** La Poste's SIREN: its establishments' SIRETs are too many for the Luhn key, and use another rule. */
export const LA_POSTE_SIREN = '356000000';

/** A SIREN: 9 digits passing the Luhn check. */
export function sirenValid(siren: string): boolean {
  return /^\d{9}$/.test(siren) && luhnValid(siren);
}

/**
 * A SIRET: 14 digits, a valid SIREN, and the Luhn check over all 14; except La Poste's
 * establishments (SIREN 356 000 000), whose digits add up to a multiple of 5 instead (its head
 * office, 356 000 000 00048, passes either way).
 */
export function siretValid(siret: string): boolean {
  if (!/^\d{14}$/.test(siret) || !sirenValid(siret.slice(0, 9))) return false;
  if (luhnValid(siret)) return true;
  return siret.startsWith(LA_POSTE_SIREN) && [...siret].reduce((sum, digit) => sum + Number(digit), 0) % 5 === 0;
}

/** The two-digit key of a French VAT number: (12 + 3 × (SIREN mod 97)) mod 97. */
export function vatKey(siren: string): string {
  return String((12 + 3 * (Number(siren) % 97)) % 97).padStart(2, '0');
}

/** The French intra-EU VAT number of a SIREN: `FR` + key + SIREN. */
export function frenchVatNumber(siren: string): string {
  return `FR${vatKey(siren)}${siren}`;
}

/** `FR` + 2 digits + a valid SIREN, with the key the SIREN gives. */
export function frenchVatNumberValid(vatNumber: string): boolean {
  const match = /^FR(\d{2})(\d{9})$/.exec(compact(vatNumber));
  return match !== null && sirenValid(match[2]!) && match[1] === vatKey(match[2]!);
}

/** IBAN lengths of the countries a French cooperative's bank is likely in (others: 15 to 34). */
const ibanLengths: Readonly<Record<string, number>> = { FR: 27, MC: 27, BE: 16, DE: 22, ES: 24, IT: 27, LU: 20, NL: 18, PT: 25, CH: 21, GB: 22 };

/** An IBAN (ISO 13616): country, 2 check digits, the account, its length, and the mod-97 check (= 1). */
export function ibanValid(iban: string): boolean {
  const value = compact(iban);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(value)) return false;
  const expected = ibanLengths[value.slice(0, 2)];
  if (expected !== undefined && value.length !== expected) return false;
  let remainder = 0;
  for (const char of value.slice(4) + value.slice(0, 4)) {
    const code = char.charCodeAt(0);
    const number = code >= 65 ? code - 55 : code - 48;
    remainder = (remainder * (number >= 10 ? 100 : 10) + number) % 97;
  }
  return remainder === 1;
}

/** A BIC (ISO 9362): bank (4 letters), country (2 letters), location (2), optional branch (3). */
export function bicValid(bic: string): boolean {
  return /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(compact(bic));
}

// ---------------------------------------------------------------------------------------------
// What is wrong with an identity.

export interface SellerIssue {
  field: SellerField;
  kind: 'missing' | 'placeholder' | 'invalid';
  /** What is wrong, without the value (the identity's own data stays out of logs). */
  message: string;
}

const isBlank = (value: string | null | undefined): boolean => value === null || value === undefined || value.trim() === '';
const allZeros = (digits: string): boolean => /^0+$/.test(digits);

/** Every field that is missing, a placeholder or invalid, with what is wrong. */
export function sellerIssues(seller: SellerIdentity): SellerIssue[] {
  const issues: SellerIssue[] = [];
  const issue = (field: SellerField, kind: SellerIssue['kind'], message: string) => issues.push({ field, kind, message });
  const missing = (field: SellerField) => issue(field, 'missing', `${sellerFields[field].label} is missing`);

  if (isBlank(seller.name)) missing('name');

  const { address } = seller;
  if (isBlank(address.line1)) missing('address.line1');
  else if (address.line1.trim() === sellerPlaceholders.addressLine1) issue('address.line1', 'placeholder', 'address is the built-in example');
  if (isBlank(address.postcode)) missing('address.postcode');
  else if (address.country === 'FR' && !/^\d{5}$/.test(address.postcode.trim())) issue('address.postcode', 'invalid', 'postcode is not 5 digits');
  if (isBlank(address.city)) missing('address.city');
  if (!/^[A-Z]{2}$/.test(address.country)) issue('address.country', 'invalid', 'country is not an ISO 3166 two-letter code (FR)');

  const siret = compact(seller.siret);
  const siren = compact(seller.siren);
  let siretOk = false;
  if (isBlank(siret)) missing('siret');
  else if (!/^\d{14}$/.test(siret)) issue('siret', 'invalid', 'SIRET is not 14 digits');
  else if (allZeros(siret)) issue('siret', 'placeholder', 'SIRET is the built-in placeholder');
  else if (!sirenValid(siret.slice(0, 9))) issue('siret', 'invalid', 'SIRET does not start with a valid SIREN (Luhn check)');
  else if (!siretValid(siret)) issue('siret', 'invalid', 'SIRET fails the Luhn check');
  else siretOk = true;

  // The SIREN is the SIRET's first nine digits unless configured: checked on its own only then.
  const sirenIsSiretPrefix = /^\d{14}$/.test(siret) && siren === siret.slice(0, 9);
  if (!sirenIsSiretPrefix) {
    if (!/^\d{9}$/.test(siren)) issue('siren', 'invalid', 'SIREN is not 9 digits');
    else if (allZeros(siren)) issue('siren', 'placeholder', 'SIREN is a placeholder');
    else if (!sirenValid(siren)) issue('siren', 'invalid', 'SIREN fails the Luhn check');
    else if (siretOk) issue('siret', 'invalid', 'SIRET does not start with the SIREN');
  }
  const sirenOk = sirenValid(siren) && (sirenIsSiretPrefix ? siretOk : true);

  const vat = compact(seller.vatNumber);
  const vatMatch = /^FR(\d{2})(\d{9})$/.exec(vat);
  if (isBlank(vat)) missing('vatNumber');
  else if (vatMatch === null) issue('vatNumber', 'invalid', 'VAT number is not FR + 2 key digits + the 9 digits of the SIREN');
  else if (allZeros(vatMatch[2]!)) issue('vatNumber', 'placeholder', 'VAT number is the built-in placeholder');
  else if (sirenOk && vatMatch[2] !== siren) issue('vatNumber', 'invalid', 'VAT number does not end with the SIREN');
  else if (vatMatch[1] !== vatKey(vatMatch[2]!)) issue('vatNumber', 'invalid', 'VAT number has the wrong key for its SIREN ((12 + 3 × (SIREN mod 97)) mod 97)');

  if (isBlank(seller.legalForm)) missing('legalForm');
  if (isBlank(seller.capital)) missing('capital');
  if (isBlank(seller.rcs)) missing('rcs');
  else if (!/^RCS\s+\S/i.test(seller.rcs!.trim())) issue('rcs', 'invalid', "RCS registration does not read 'RCS <city> <SIREN>'");
  else if (sirenOk && !compact(seller.rcs!).includes(siren)) issue('rcs', 'invalid', 'RCS registration does not carry the SIREN');
  if (isBlank(seller.legalMentions)) missing('legalMentions');

  if (isBlank(seller.email)) missing('email');
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(seller.email!.trim())) issue('email', 'invalid', 'e-mail is not an address');
  if (isBlank(seller.iban)) missing('iban');
  else if (!ibanValid(seller.iban!)) issue('iban', 'invalid', 'IBAN is not valid (format, length or mod-97 check)');
  if (isBlank(seller.bic)) missing('bic');
  else if (!bicValid(seller.bic!)) issue('bic', 'invalid', 'BIC is not 8 or 11 characters: bank, country, location, branch');
  return issues;
}

/** What is missing, a placeholder or invalid in the identity, each with the variable that sets it; empty when it is ready to invoice. */
export function sellerProblems(seller: SellerIdentity): string[] {
  return sellerIssues(seller).map((issue) => `${issue.message} (${sellerFields[issue.field].variable})`);
}

/**
 * The start warning of the local runtime: one line saying what is wrong and which variables to
 * set, or `undefined` when the identity is ready to invoice.
 */
export function sellerStartWarning(seller: SellerIdentity = sellerIdentity()): string | undefined {
  const issues = sellerIssues(seller);
  if (issues.length === 0) return undefined;
  const variables = [...new Set(issues.map((issue) => sellerFields[issue.field].variable))];
  return (
    `Seller identity not ready for invoices: ${issues.map((issue) => issue.message).join('; ')}. ` +
    `Set ${variables.join(', ')} (docs/operations.md, "The seller's identity"); the prod stage refuses to issue invoices until then.`
  );
}

/**
 * Called before issuing invoices. In `prod`, an identity with problems refuses the issue with
 * `seller_identity_incomplete` (503: the platform is misconfigured, not the caller's request;
 * the same request succeeds once the operator has fixed it) and records
 * `InvoiceRefusedSellerIdentity`, which an alarm watches. Elsewhere it logs a warning and lets
 * the invoices carry what configuration says.
 */
export function assertSellerReadyToInvoice(stage: string, seller: SellerIdentity = sellerIdentity()): void {
  const issues = sellerIssues(seller);
  if (issues.length === 0) return;
  const problems = issues.map((issue) => `${issue.message} (${sellerFields[issue.field].variable})`);
  if (stage !== 'prod') {
    logger.warn("invoicing with a seller identity that prod would refuse", { stage, problems });
    return;
  }
  recordMetric('InvoiceRefusedSellerIdentity');
  logger.error("invoicing refused: the seller's identity is not ready", { stage, problems });
  const fields = [...new Set(issues.map((issue) => sellerFields[issue.field].label))].join(', ');
  throw sellerIdentityErrors.error(
    'seller_identity_incomplete',
    `Invoicing is refused: the cooperative's identity as a seller is incomplete or invalid (${fields}). Nothing was billed; the platform's operator must configure it, then the same request succeeds.`,
  );
}

// ---------------------------------------------------------------------------------------------
// The printed form, for the invoice.

const group = (value: string, sizes: number[]): string => {
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(value.slice(at, at + size));
    at += size;
  }
  return parts.filter(Boolean).join(' ');
};

/**
 * The seller as an invoice records it: the existing `Seller` shape (name, address, siret,
 * vatNumber, legalMentions, email) plus `siren`, `legalForm`, `capital`, `rcs`, `iban`, `bic`,
 * identifiers in their printed form when well formed (as configured otherwise). It does not
 * check: call `assertSellerReadyToInvoice` first.
 */
export function sellerForInvoice(seller: SellerIdentity = sellerIdentity()): InvoiceSeller {
  const { line1, line2, postcode, city, country } = seller.address;
  const siret = compact(seller.siret);
  const siren = compact(seller.siren);
  const vatNumber = compact(seller.vatNumber);
  const iban = compact(seller.iban ?? '');
  const bic = compact(seller.bic ?? '');
  const email = seller.email?.trim() ?? '';
  /** The field when configured (not blank), trimmed: `{ legalForm: … }` or nothing. */
  const optional = <K extends 'legalForm' | 'capital' | 'rcs'>(key: K): Partial<Record<K, string>> => {
    const value = seller[key]?.trim();
    return value ? ({ [key]: value } as Record<K, string>) : {};
  };
  return {
    name: seller.name.trim(),
    address: { line1: line1.trim(), ...(line2 && line2.trim() !== '' ? { line2: line2.trim() } : {}), postcode: postcode.trim(), city: city.trim(), country },
    siret: /^\d{14}$/.test(siret) ? group(siret, [3, 3, 3, 5]) : seller.siret.trim(),
    vatNumber: /^[A-Z]{2}[0-9A-Z]+$/.test(vatNumber) ? vatNumber : seller.vatNumber.trim(),
    legalMentions: seller.legalMentions.trim(),
    email: email === '' ? null : email,
    siren: /^\d{9}$/.test(siren) ? group(siren, [3, 3, 3]) : seller.siren.trim(),
    ...optional('legalForm'),
    ...optional('capital'),
    ...optional('rcs'),
    ...(iban === '' ? {} : { iban: /^[A-Z0-9]+$/.test(iban) ? (iban.match(/.{1,4}/g) ?? []).join(' ') : (seller.iban as string).trim() }),
    ...(bic === '' ? {} : { bic }),
  };
}

// ---------------------------------------------------------------------------------------------
// From the deploy context to the functions' environment.

/** The CDK context's `seller` object: any subset of the identity, strings only. */
export interface SellerSettings {
  name?: string;
  siren?: string;
  siret?: string;
  vatNumber?: string;
  legalForm?: string;
  capital?: string;
  rcs?: string;
  legalMentions?: string;
  email?: string;
  iban?: string;
  bic?: string;
  address?: { line1?: string; line2?: string; postcode?: string; city?: string; country?: string };
}

/**
 * Reads a `seller` settings object (the CDK context's: an object from cdk.json, or the JSON text
 * of `-c seller='{…}'`), refusing unknown keys and values that are not strings, so a typo fails
 * the synthesis rather than leaving a placeholder on the invoices.
 */
export function parseSellerSettings(value: unknown, where = 'seller'): SellerSettings {
  let parsed = value;
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      throw new Error(`${where} must be a JSON object ({"siret": "…", "vatNumber": "…", …}), not '${parsed as string}'.`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${where} must be an object with the seller's fields.`);
  const known = new Set<string>(Object.keys(sellerFields));
  const settings: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(parsed as Record<string, unknown>)) {
    if (key === 'address') {
      if (typeof field !== 'object' || field === null || Array.isArray(field)) throw new Error(`${where}.address must be an object (line1, line2, postcode, city, country).`);
      const address: Record<string, string> = {};
      for (const [part, text] of Object.entries(field as Record<string, unknown>)) {
        if (!known.has(`address.${part}`)) throw new Error(`${where}.address.${part} is not a field of the seller's address (line1, line2, postcode, city, country).`);
        if (typeof text !== 'string') throw new Error(`${where}.address.${part} must be a string.`);
        address[part] = text;
      }
      settings.address = address;
      continue;
    }
    if (!known.has(key)) throw new Error(`${where}.${key} is not a field of the seller (${Object.keys(sellerFields).filter((name) => !name.startsWith('address.')).join(', ')}, address).`);
    if (typeof field !== 'string') throw new Error(`${where}.${key} must be a string.`);
    settings[key] = field;
  }
  return settings as SellerSettings;
}

/** The `BILLING_SELLER_*` variables of these settings (only those given, non-empty). */
export function sellerEnvironment(settings: SellerSettings): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [field, { variable }] of Object.entries(sellerFields) as [SellerField, { variable: string }][]) {
    const value = field.startsWith('address.') ? settings.address?.[field.slice('address.'.length) as keyof NonNullable<SellerSettings['address']>] : settings[field as Exclude<SellerField, `address.${string}`>];
    if (value !== undefined && value.trim() !== '') environment[variable] = value.trim();
  }
  return environment;
}
