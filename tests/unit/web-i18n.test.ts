import { describe, expect, it } from 'vitest';
import { errorMessage, fieldName } from '../../web/src/errors.js';
import { interpolate, pickLanguage, translate } from '../../web/src/i18n.js';
import { en, fr } from '../../web/src/messages.js';

describe('the web app speaks French first, English too', () => {
  it("follows the stored choice, then the browser's languages, then French", () => {
    expect(pickLanguage('en', ['fr-FR'])).toBe('en');
    expect(pickLanguage('fr', ['en-GB'])).toBe('fr');
    expect(pickLanguage(null, ['en-GB', 'fr'])).toBe('en');
    expect(pickLanguage(null, ['de-DE', 'fr-BE', 'en'])).toBe('fr');
    expect(pickLanguage(null, ['de-DE', 'es'])).toBe('fr');
    expect(pickLanguage('klingon', ['EN_us'])).toBe('en');
    expect(pickLanguage(undefined, undefined)).toBe('fr');
  });

  it('falls back to French for a sentence not translated yet, and shows an unknown key as itself', () => {
    expect(translate('en', 'nav.deliveries')).toBe('Deliveries');
    expect(translate('fr', 'nav.deliveries')).toBe('Courses');
    const untranslated = (Object.keys(fr) as Array<keyof typeof fr>).find((key) => en[key] === undefined);
    if (untranslated) expect(translate('en', untranslated)).toBe(fr[untranslated]);
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });

  it('has an English sentence for every French one, with the same placeholders', () => {
    for (const key of Object.keys(fr) as Array<keyof typeof fr>) {
      const english = en[key];
      expect(english, key).toBeTypeOf('string');
      const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      expect(names(english as string), key).toEqual(names(fr[key]));
    }
    expect(Object.keys(en).filter((key) => !(key in fr))).toEqual([]);
  });

  it('fills placeholders, and leaves an unknown one visible', () => {
    expect(interpolate('Réservée le {date}', { date: '3 mars' })).toBe('Réservée le 3 mars');
    expect(interpolate('{a} et {b}', { a: 1 })).toBe('1 et {b}');
    expect(translate('fr', 'pickup.floorN', { n: 3 })).toBe('3e étage');
  });
});

describe('the web app says what went wrong in plain words', () => {
  it('maps the codes people meet to sentences in their language', () => {
    expect(errorMessage({ status: 409, code: 'slot_full', message: 'This slot has no capacity left: choose another one.' }, 'fr')).toBe(
      'Ce créneau vient d’être complété : choisissez-en un autre.',
    );
    expect(errorMessage({ status: 409, code: 'slot_full' }, 'en')).toBe('This slot has just filled up: please choose another one.');
    expect(errorMessage({ code: 'exceeds_capacity' }, 'fr')).toContain('vélo cargo');
    expect(errorMessage({ code: 'invalid_sign_in_link' }, 'fr')).toContain('15 minutes');
    expect(errorMessage({ code: 'csrf_token_invalid' }, 'en')).toContain('reloaded');
    expect(errorMessage({ code: 'network_error' }, 'fr')).toContain('connexion');
  });

  it('says which stop is outside the area or not found', () => {
    expect(errorMessage({ code: 'outside_service_area', param: 'dropoff.address' }, 'fr')).toContain('(l’adresse de livraison)');
    expect(errorMessage({ code: 'address_not_geocoded', param: 'pickup.address.lat' }, 'en')).toContain('(the pickup address)');
  });

  it('names the field of a validation error, and keeps the API message for detail', () => {
    expect(fieldName('dropoff.contact.phone', 'fr')).toBe('le téléphone');
    expect(fieldName('parcels[0].weightKg', 'en')).toBe('the items');
    expect(fieldName('zzz', 'en')).toBeUndefined();
    const message = errorMessage({ code: 'parameter_invalid', param: 'dropoff.contact.phone', message: 'dropoff.contact.phone must match ^\\+?[0-9 ().-]{6,25}$' }, 'fr');
    expect(message.startsWith('Vérifiez le téléphone.')).toBe(true);
    expect(errorMessage({ code: 'parameter_missing', param: 'email' }, 'en')).toBe('The e-mail address is missing.');
  });

  it("falls back to the API's own message for a code it does not know, and to a generic sentence without one", () => {
    expect(errorMessage({ code: 'brand_new_code', message: 'Something specific happened.' }, 'fr')).toBe('Something specific happened.');
    expect(errorMessage({}, 'en')).toContain('Something went wrong');
    expect(errorMessage(undefined, 'fr')).toContain('Une erreur est survenue');
  });
});
