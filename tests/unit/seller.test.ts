import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  assertSellerReadyToInvoice,
  bicValid,
  frenchVatNumber,
  frenchVatNumberValid,
  ibanValid,
  LA_POSTE_SIREN,
  luhnValid,
  parseSellerSettings,
  sellerEnvironment,
  sellerFields,
  sellerForInvoice,
  sellerIdentity,
  sellerIssues,
  sellerPlaceholders,
  sellerProblems,
  sellerStartWarning,
  sirenValid,
  siretValid,
  vatKey,
  type InvoiceSeller,
  type SellerIdentity,
} from '../../shared/billing/seller.js';
import { Seller } from '../../shared/billing/schemas.js';
import { AppError, errorCatalogue } from '../../shared/errors.js';
import { logger } from '../../shared/logging/logger.js';
import { noSellerEnvironment, validSeller, validSellerEnvironment } from '../fixtures/seller.js';

function useEnvironment(environment: Record<string, string>): void {
  for (const [name, value] of Object.entries({ ...noSellerEnvironment, HUB_NAME: '', ...environment })) vi.stubEnv(name, value);
}

beforeEach(() => useEnvironment({}));
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

// ---------------------------------------------------------------------------------------------
// Generators: identifiers valid by construction.

const digits = (length: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((list) => list.join(''));

/** The digit that makes `prefix` + digit pass the Luhn check. */
function luhnDigit(prefix: string): string {
  for (let digit = 0; digit <= 9; digit++) if (luhnValid(`${prefix}${digit}`)) return String(digit);
  throw new Error('unreachable: one digit of ten always completes a Luhn number');
}

const sirens = digits(8).map((prefix) => `${prefix}${luhnDigit(prefix)}`);
const sirets = fc.tuple(sirens, digits(4)).map(([siren, nic]) => `${siren}${nic}${luhnDigit(`${siren}${nic}`)}`);

/** `digits` with the digit at `index` replaced by another one. */
const mutated = (value: string, index: number, shift: number) => {
  const at = index % value.length;
  return `${value.slice(0, at)}${(Number(value[at]) + 1 + (shift % 9)) % 10}${value.slice(at + 1)}`;
};

/** An IBAN of this country and BBAN, with its check digits (98 − the mod 97 of BBAN + country + 00). */
function ibanOf(country: string, bban: string): string {
  const numeric = [...`${bban}${country}00`].map((char) => (/[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char)).join('');
  const check = 98 - Number(BigInt(numeric) % 97n);
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}
const frenchIbans = digits(23).map((bban) => ibanOf('FR', bban));

// ---------------------------------------------------------------------------------------------

describe('SIREN and SIRET: the Luhn check', () => {
  it('accepts known numbers and refuses their neighbours', () => {
    expect(luhnValid('912345675')).toBe(true);
    expect(luhnValid('912345674')).toBe(false);
    expect(sirenValid('912345675')).toBe(true);
    expect(sirenValid('91234567')).toBe(false);
    expect(sirenValid('91234567A')).toBe(false);
    expect(siretValid('91234567500009')).toBe(true);
    expect(siretValid('91234567500008')).toBe(false);
  });

  it('every generated SIREN and SIRET is valid, and any one digit changed makes it invalid', () => {
    fc.assert(
      fc.property(sirens, fc.nat(), fc.nat(), (siren, index, shift) => {
        expect(sirenValid(siren)).toBe(true);
        expect(sirenValid(mutated(siren, index, shift))).toBe(false);
      }),
    );
    fc.assert(
      fc.property(sirets, fc.nat(), fc.nat(), (siret, index, shift) => {
        const wrong = mutated(siret, index, shift);
        fc.pre(!siret.startsWith(LA_POSTE_SIREN) && !wrong.startsWith(LA_POSTE_SIREN));
        expect(siretValid(siret)).toBe(true);
        expect(siretValid(wrong)).toBe(false);
      }),
    );
  });

  it("La Poste's establishments (SIREN 356 000 000) are valid when their digits add up to a multiple of 5, Luhn or not", () => {
    expect(luhnValid('35600000049837')).toBe(false);
    expect(siretValid('35600000049837')).toBe(true);
    // Its head office passes the Luhn check itself.
    expect(siretValid('35600000000048')).toBe(true);
    // Digits adding up to 46: neither rule.
    expect(siretValid('35600000049838')).toBe(false);
    // The exception is La Poste's alone: another SIREN with a digit sum that is a multiple of 5 still needs the Luhn check.
    const other = '91234567500012';
    expect([...other].reduce((sum, digit) => sum + Number(digit), 0) % 5).toBe(0);
    expect(siretValid(other)).toBe(false);
  });
});

describe('the French VAT number', () => {
  it('is FR + (12 + 3 × (SIREN mod 97)) mod 97 + the SIREN', () => {
    expect(vatKey('912345675')).toBe('65');
    expect(frenchVatNumber('912345675')).toBe('FR65912345675');
    // A key below 10 keeps its leading zero: (12 + 3 × 29) mod 97 = 99 mod 97 = 2.
    expect(vatKey('000000029')).toBe('02');
    expect(frenchVatNumberValid('FR 65 912 345 675')).toBe(true);
  });

  it('the VAT number derived from any valid SIREN validates, and one digit changed does not', () => {
    fc.assert(
      fc.property(sirens, fc.nat(), fc.nat(), (siren, index, shift) => {
        const vat = frenchVatNumber(siren);
        expect(frenchVatNumberValid(vat)).toBe(true);
        const wrong = `FR${mutated(vat.slice(2), index, shift)}`;
        expect(frenchVatNumberValid(wrong)).toBe(false);
      }),
    );
  });

  it("a seller whose VAT number is derived from its generated SIREN has no problem but that SIREN's", () => {
    fc.assert(
      fc.property(sirets, (siret) => {
        const siren = siret.slice(0, 9);
        const identity: SellerIdentity = { ...validIdentity(), siret, siren, vatNumber: frenchVatNumber(siren), rcs: `RCS Saint-Étienne ${siren}` };
        expect(sellerProblems(identity)).toEqual([]);
        const key = identity.vatNumber.slice(2, 4);
        const wrongKey = { ...identity, vatNumber: `FR${String((Number(key) + 1) % 97).padStart(2, '0')}${siren}` };
        expect(sellerIssues(wrongKey).map((issue) => issue.field)).toEqual(['vatNumber']);
      }),
    );
  });
});

describe('IBAN and BIC', () => {
  it('checks the IBAN: format, length of its country, mod 97', () => {
    expect(ibanValid('FR76 3000 6000 0112 3456 7890 189')).toBe(true);
    expect(ibanValid('fr7630006000011234567890189')).toBe(true);
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('FR76 3000 6000 0112 3456 7890 18')).toBe(false); // 26 characters: FR has 27
    expect(ibanValid('FR77 3000 6000 0112 3456 7890 189')).toBe(false);
    expect(ibanValid('FR00 0000 0000 0000 0000 0000 000')).toBe(false);
  });

  it('every generated IBAN is valid, and one digit changed is not', () => {
    fc.assert(
      fc.property(frenchIbans, fc.nat(), fc.nat(), (iban, index, shift) => {
        expect(ibanValid(iban)).toBe(true);
        // A digit of the check digits or the account (after the country code).
        const at = 2 + (index % (iban.length - 2));
        expect(ibanValid(`${iban.slice(0, at)}${mutated(iban.slice(at), 0, shift)}`)).toBe(false);
      }),
    );
  });

  it('checks the BIC: 8 or 11 characters, bank and country in letters', () => {
    for (const bic of ['AGRIFRPP', 'AGRIFRPP871', 'BNPAFRPPXXX', 'ccfrfrpp']) expect(bicValid(bic), bic).toBe(true);
    for (const bic of ['AGRIFRP', 'AGRIFRPP87', 'AGR1FRPP', 'AGRIF1PP', 'AGRIFRPP8712']) expect(bicValid(bic), bic).toBe(false);
  });
});

/** The identity of the valid fixture, as configuration reads it. */
function validIdentity(): SellerIdentity {
  useEnvironment(validSellerEnvironment);
  return sellerIdentity();
}

describe('the identity from configuration', () => {
  it('a SellerIdentity is a Seller (the invoice schema), and an InvoiceSeller too', () => {
    expectTypeOf<SellerIdentity>().toMatchTypeOf<Seller>();
    expectTypeOf<InvoiceSeller>().toMatchTypeOf<Seller>();
  });

  it('reads every BILLING_SELLER_* variable; the SIREN derives from the SIRET; the legal mentions from form, capital and RCS', () => {
    expect(validIdentity()).toEqual({
      name: validSeller.name,
      address: validSeller.address,
      siret: '912 345 675 00009',
      vatNumber: 'FR65912345675',
      legalMentions: 'SCIC SAS à capital variable, RCS Saint-Étienne 912 345 675',
      email: 'compta@coursiers.example',
      siren: '912345675',
      legalForm: 'SCIC SAS',
      capital: 'à capital variable',
      rcs: 'RCS Saint-Étienne 912 345 675',
      iban: 'FR76 3000 6000 0112 3456 7890 189',
      bic: 'AGRIFRPP871',
    });
    expect(sellerProblems(sellerIdentity())).toEqual([]);
  });

  it('writes a numeric capital as "au capital de", and keeps given legal mentions as they are', () => {
    useEnvironment({ ...validSellerEnvironment, BILLING_SELLER_LEGAL_FORM: 'SCOP SARL', BILLING_SELLER_CAPITAL: '10 000 €' });
    expect(sellerIdentity().legalMentions).toBe('SCOP SARL au capital de 10 000 €, RCS Saint-Étienne 912 345 675');
    useEnvironment({ ...validSellerEnvironment, BILLING_SELLER_LEGAL_FORM: 'SCIC SAS à capital variable' });
    expect(sellerIdentity().legalMentions).toBe('SCIC SAS à capital variable, RCS Saint-Étienne 912 345 675');
    useEnvironment({ ...validSellerEnvironment, BILLING_SELLER_LEGAL_MENTIONS: 'SCIC SAS à capital variable, RCS Saint-Étienne 912 345 675, agréée ESUS' });
    expect(sellerIdentity().legalMentions).toBe('SCIC SAS à capital variable, RCS Saint-Étienne 912 345 675, agréée ESUS');
  });

  it('a configured SIREN is checked on its own and against the SIRET, the VAT number and the RCS', () => {
    useEnvironment({ ...validSellerEnvironment, BILLING_SELLER_SIREN: '123456782' });
    expect(sellerProblems(sellerIdentity())).toEqual([
      'SIRET does not start with the SIREN (BILLING_SELLER_SIRET)',
      'VAT number does not end with the SIREN (BILLING_SELLER_VAT_NUMBER)',
      'RCS registration does not carry the SIREN (BILLING_SELLER_RCS)',
    ]);
    useEnvironment({ ...validSellerEnvironment, BILLING_SELLER_SIREN: '123456789' });
    expect(sellerProblems(sellerIdentity())).toContain('SIREN fails the Luhn check (BILLING_SELLER_SIREN)');
  });
});

describe('placeholders and missing fields', () => {
  it("configuration's defaults are the placeholders this module knows", () => {
    const identity = sellerIdentity();
    expect(identity.siret).toBe(sellerPlaceholders.siret);
    expect(identity.vatNumber).toBe(sellerPlaceholders.vatNumber);
    expect(identity.address.line1).toBe(sellerPlaceholders.addressLine1);
  });

  it('lists each placeholder and missing field with the variable that sets it', () => {
    expect(sellerProblems(sellerIdentity())).toEqual([
      'address is the built-in example (BILLING_SELLER_ADDRESS_LINE1)',
      'SIRET is the built-in placeholder (BILLING_SELLER_SIRET)',
      'VAT number is the built-in placeholder (BILLING_SELLER_VAT_NUMBER)',
      'legal form is missing (BILLING_SELLER_LEGAL_FORM)',
      'share capital is missing (BILLING_SELLER_CAPITAL)',
      'RCS registration is missing (BILLING_SELLER_RCS)',
      'e-mail is missing (BILLING_SELLER_EMAIL)',
      'IBAN is missing (BILLING_SELLER_IBAN)',
      'BIC is missing (BILLING_SELLER_BIC)',
    ]);
    expect(sellerIssues(sellerIdentity()).map((issue) => issue.kind)).toEqual(['placeholder', 'placeholder', 'placeholder', 'missing', 'missing', 'missing', 'missing', 'missing', 'missing']);
  });

  it('names each invalid field, never its value', () => {
    const identity: SellerIdentity = {
      ...validIdentity(),
      siret: '912 345 675 0000',
      vatNumber: 'FR6591234567',
      email: 'compta',
      iban: 'FR76 3000 6000 0112 3456 7890 188',
      bic: 'AGRI FR',
      rcs: 'Saint-Étienne 912 345 675',
      address: { line1: '3 rue Michelet', postcode: '4200', city: '', country: 'FR' },
    };
    const problems = sellerProblems(identity);
    expect(problems).toEqual([
      'postcode is not 5 digits (BILLING_SELLER_POSTCODE)',
      'city is missing (BILLING_SELLER_CITY)',
      'SIRET is not 14 digits (BILLING_SELLER_SIRET)',
      'VAT number is not FR + 2 key digits + the 9 digits of the SIREN (BILLING_SELLER_VAT_NUMBER)',
      "RCS registration does not read 'RCS <city> <SIREN>' (BILLING_SELLER_RCS)",
      'e-mail is not an address (BILLING_SELLER_EMAIL)',
      'IBAN is not valid (format, length or mod-97 check) (BILLING_SELLER_IBAN)',
      'BIC is not 8 or 11 characters: bank, country, location, branch (BILLING_SELLER_BIC)',
    ]);
    for (const value of ['912 345 675 0000', 'FR6591234567', 'compta', 'FR76', 'AGRI FR']) expect(problems.join(' ')).not.toContain(value);
    // A country other than FR: any postcode, but an ISO code.
    expect(sellerProblems({ ...validIdentity(), address: { ...validSeller.address, postcode: 'L-1234', country: 'LU' } })).toEqual([]);
    expect(sellerProblems({ ...validIdentity(), address: { ...validSeller.address, country: 'France' } })).toEqual(['country is not an ISO 3166 two-letter code (FR) (BILLING_SELLER_COUNTRY)']);
  });

  it('the start warning is one line naming the variables to set, and nothing once the identity is complete', () => {
    const warning = sellerStartWarning(sellerIdentity());
    expect(warning).toBeDefined();
    expect(warning).not.toContain('\n');
    expect(warning).toMatch(/^Seller identity not ready for invoices: address is the built-in example; SIRET is the built-in placeholder; /);
    expect(warning).toContain('Set BILLING_SELLER_ADDRESS_LINE1, BILLING_SELLER_SIRET, BILLING_SELLER_VAT_NUMBER, BILLING_SELLER_LEGAL_FORM, BILLING_SELLER_CAPITAL, BILLING_SELLER_RCS, BILLING_SELLER_EMAIL, BILLING_SELLER_IBAN, BILLING_SELLER_BIC');
    expect(warning).toContain('the prod stage refuses to issue invoices');
    expect(sellerStartWarning(validIdentity())).toBeUndefined();
  });
});

describe('assertSellerReadyToInvoice', () => {
  it("throws seller_identity_incomplete (503, api_error) in prod with placeholders, naming the fields, and records InvoiceRefusedSellerIdentity", () => {
    // In Lambda, recordMetric writes an EMF line to stdout.
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'DeliveryHub-prod-BillingRoutesFn');
    vi.stubEnv('STAGE', 'prod');
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write);
    let thrown: unknown;
    try {
      assertSellerReadyToInvoice('prod');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    const error = thrown as AppError;
    expect([error.code, error.status, error.type]).toEqual(['seller_identity_incomplete', 503, 'api_error']);
    expect(errorCatalogue.seller_identity_incomplete.status).toBe(503);
    expect(error.message).toContain('(address, SIRET, VAT number, legal form, share capital, RCS registration, e-mail, IBAN, BIC)');
    expect(error.headers).toBeUndefined();
    const metrics = written.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as { _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] }; stage: string; InvoiceRefusedSellerIdentity?: number });
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ stage: 'prod', InvoiceRefusedSellerIdentity: 1 });
    expect(metrics[0]!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'DeliveryHub', Metrics: [{ Name: 'InvoiceRefusedSellerIdentity' }] });
  });

  it('does not throw in prod with a valid identity', () => {
    const warn = vi.spyOn(logger, 'warn');
    expect(() => assertSellerReadyToInvoice('prod', validIdentity())).not.toThrow();
    useEnvironment(validSellerEnvironment);
    expect(() => assertSellerReadyToInvoice('prod')).not.toThrow();
    expect(warn).not.toHaveBeenCalled();
  });

  it('never throws outside prod: it warns, with what is wrong', () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    expect(() => assertSellerReadyToInvoice('dev')).not.toThrow();
    expect(warn).toHaveBeenCalledWith('invoicing with a seller identity that prod would refuse', expect.objectContaining({ stage: 'dev', problems: expect.arrayContaining(['SIRET is the built-in placeholder (BILLING_SELLER_SIRET)']) }));
    // Whatever the identity.
    const text = fc.option(fc.string({ maxLength: 30 }), { nil: undefined });
    fc.assert(
      fc.property(fc.record({ siret: fc.string({ maxLength: 20 }), vatNumber: fc.string({ maxLength: 20 }), siren: fc.string({ maxLength: 12 }), iban: text, bic: text, email: fc.option(fc.string(), { nil: null }) }), fc.constantFrom('dev', 'local', 'staging'), (fields, stage) => {
        const identity = { ...validIdentity(), ...fields } as SellerIdentity;
        expect(() => assertSellerReadyToInvoice(stage, identity)).not.toThrow();
      }),
      { numRuns: 50 },
    );
  });
});

describe('sellerForInvoice', () => {
  it("the Seller shape plus siren, legalForm, capital, rcs, iban and bic, identifiers printed in their usual form; the invoice schema keeps it all", () => {
    useEnvironment({ ...validSellerEnvironment, BILLING_SELLER_SIRET: '91234567500009', BILLING_SELLER_IBAN: 'fr7630006000011234567890189', BILLING_SELLER_BIC: 'agrifrpp871', BILLING_SELLER_VAT_NUMBER: 'FR 65 912 345 675' });
    const seller = sellerForInvoice();
    expect(seller).toEqual({
      name: validSeller.name,
      address: validSeller.address,
      siret: '912 345 675 00009',
      vatNumber: 'FR65912345675',
      legalMentions: 'SCIC SAS à capital variable, RCS Saint-Étienne 912 345 675',
      email: 'compta@coursiers.example',
      siren: '912 345 675',
      legalForm: 'SCIC SAS',
      capital: 'à capital variable',
      rcs: 'RCS Saint-Étienne 912 345 675',
      iban: 'FR76 3000 6000 0112 3456 7890 189',
      bic: 'AGRIFRPP871',
    });
    expect(Seller.parse(seller)).toEqual(seller);
  });

  it('leaves out what is not configured (never null but the e-mail, as the Seller shape has it)', () => {
    const seller = sellerForInvoice();
    expect(Object.keys(seller).sort()).toEqual(['address', 'email', 'legalMentions', 'name', 'siren', 'siret', 'vatNumber'].sort());
    expect(seller.email).toBeNull();
    expect(seller.address).toEqual({ line1: '12 rue de la Résistance', postcode: '42000', city: 'Saint-Étienne', country: 'FR' });
    expect(Seller.parse(seller)).toEqual(seller);
  });
});

describe('from the deploy context to the environment', () => {
  it('maps every field of the seller object to its BILLING_SELLER_* variable, and back through configuration', () => {
    expect(sellerEnvironment(validSeller)).toEqual({
      BILLING_SELLER_NAME: validSeller.name,
      BILLING_SELLER_SIRET: validSeller.siret,
      BILLING_SELLER_VAT_NUMBER: validSeller.vatNumber,
      BILLING_SELLER_LEGAL_FORM: validSeller.legalForm,
      BILLING_SELLER_CAPITAL: validSeller.capital,
      BILLING_SELLER_RCS: validSeller.rcs,
      BILLING_SELLER_EMAIL: validSeller.email,
      BILLING_SELLER_IBAN: validSeller.iban,
      BILLING_SELLER_BIC: validSeller.bic,
      BILLING_SELLER_ADDRESS_LINE1: validSeller.address.line1,
      BILLING_SELLER_ADDRESS_LINE2: validSeller.address.line2,
      BILLING_SELLER_POSTCODE: validSeller.address.postcode,
      BILLING_SELLER_CITY: validSeller.address.city,
      BILLING_SELLER_COUNTRY: validSeller.address.country,
    });
    // Every variable configuration reads is one of the table's, and each is read.
    const all = { ...validSeller, siren: '912345675', legalMentions: 'Mentions' };
    useEnvironment(sellerEnvironment(all));
    const identity = sellerIdentity();
    expect(identity).toMatchObject({ siren: '912345675', legalMentions: 'Mentions', address: validSeller.address });
    expect(Object.keys(sellerEnvironment(all)).sort()).toEqual(Object.values(sellerFields).map((field) => field.variable).sort());
  });

  it('reads the object or its JSON text, and refuses unknown keys and values that are not strings', () => {
    expect(parseSellerSettings({ siret: '1', address: { city: 'Firminy' } })).toEqual({ siret: '1', address: { city: 'Firminy' } });
    expect(parseSellerSettings('{"siret":"1","address":{"city":"Firminy"}}')).toEqual({ siret: '1', address: { city: 'Firminy' } });
    expect(() => parseSellerSettings({ sirett: '1' })).toThrow('seller.sirett is not a field of the seller');
    expect(() => parseSellerSettings({ address: { street: 'x' } })).toThrow('seller.address.street is not a field');
    expect(() => parseSellerSettings({ siret: 91234567500009 })).toThrow('seller.siret must be a string');
    expect(() => parseSellerSettings('siret=1')).toThrow('must be a JSON object');
    expect(() => parseSellerSettings(['x'])).toThrow('must be an object');
  });
});
