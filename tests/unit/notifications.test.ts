import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activeNotifier, setNotifier } from '../../shared/notifications/adapters.js';
import { composeRecipientEmail } from '../../shared/notifications/messages.js';
import { TableOutboxNotifier } from '../../shared/notifications/outbox-notifier.js';
import { sesClient, SesNotifier, setSesClient } from '../../shared/notifications/ses-notifier.js';
import { notificationIdFor } from '../../shared/notifications/service.js';
import { deliveryThrough, sampleDelivery } from '../fixtures/delivery.js';

const HUB = 'Coopérative des coursiers à vélo de Saint-Étienne';
const options = { hubName: HUB, retentionDays: 30 };
const email = {
  id: 'ntf_01JDQ6V7M5B8XK2ZQ3W4E5R6T7',
  tenantId: 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T8',
  deliveryId: 'dlv_01JDQ6V7M5B8XK2ZQ3W4E5R6T7',
  eventId: 'evt_01JDQ6V7M5B8XK2ZQ3W4E5R6T7',
  eventType: 'delivery.booked' as const,
  to: 'camille@example.org',
  subject: 'Suivez votre livraison · Track your delivery',
  text: 'Bonjour,',
  html: '<p>Bonjour,</p>',
};

describe("the recipient's e-mails", () => {
  const delivery = sampleDelivery();
  const url = delivery.tracking.url;
  const privateBits = ['Camille', '+33', 'place du Breuil', 'Épicerie', 'CMD-7781', 'Panier', '1437', '14,37', '1724', '17,24', '287', '2,87', '45.388'];

  it('on booking: the tracking link, in French with an English line, text and HTML, nothing private', () => {
    const mail = composeRecipientEmail('delivery.booked', delivery, options);
    expect(mail.subject).toBe('Suivez votre livraison · Track your delivery');
    expect(mail.text).toContain(`Vous pouvez la suivre ici :\n${url}\n`);
    expect(mail.text).toContain(`In English: ${HUB} will make a delivery for you, by bike. Track it here: ${url}`);
    expect(mail.text).toContain('30 jours');
    expect(mail.text.indexOf('Bonjour')).toBeLessThan(mail.text.indexOf('In English'));
    expect(mail.html).toContain(`<a href="${url}">Suivre ma livraison</a>`);
    expect(mail.html).toContain('<p lang="en">In English:');
    expect(mail.html).toMatch(/^<!doctype html>\n<html lang="fr">/);
    for (const part of [mail.subject, mail.text, mail.html]) for (const bit of privateBits) expect(part, bit).not.toContain(bit);
  });

  it('on delivery and on failure: the outcome at its Paris time, and the link', () => {
    const delivered = deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z'], ['picked_up', '2026-11-26T09:30:00.000Z'], ['delivered', '2026-11-26T13:05:00.000Z']]);
    const done = composeRecipientEmail('delivery.delivered', delivered, options);
    expect(done.subject).toBe('Livraison effectuée · Delivery completed');
    expect(done.text).toContain('effectuée le jeudi 26 novembre à 14:05 (heure de Paris)');
    expect(done.text).toContain('completed on Thursday 26 November at 14:05 (Paris time)');
    expect(done.html).toContain(`href="${url}"`);
    const failed = deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z'], ['failed', '2026-11-26T10:00:00.000Z']], { failureReason: 'Personne au 2 place du Breuil' });
    const missed = composeRecipientEmail('delivery.failed', failed, options);
    expect(missed.subject).toBe('Livraison non effectuée · Delivery not completed');
    expect(missed.text).toContain('Contactez l’expéditeur');
    expect(missed.text).not.toContain('Breuil');
    for (const part of [done.text, done.html, missed.text, missed.html]) for (const bit of privateBits) expect(part, bit).not.toContain(bit);
  });

  it('speaks of a pickup for a pickup', () => {
    const mail = composeRecipientEmail('delivery.booked', sampleDelivery({ kind: 'pickup' }), options);
    expect(mail.subject).toBe('Suivez votre collecte · Track your pickup');
    expect(mail.html).toContain('Suivre ma collecte');
  });

  it('escapes the HTML part', () => {
    const mail = composeRecipientEmail('delivery.booked', delivery, { ...options, hubName: 'Coop <b>"vélo"</b>' });
    expect(mail.html).toContain('Coop &lt;b&gt;&quot;vélo&quot;&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>');
    expect(mail.text).toContain('Coop <b>"vélo"</b>');
  });

  it('gets its id from the event, so a repeat is the same e-mail', () => {
    expect(notificationIdFor('evt_01JDQ6V7M5B8XK2ZQ3W4E5R6T7')).toBe('ntf_01JDQ6V7M5B8XK2ZQ3W4E5R6T7');
  });
});

describe('SesNotifier', () => {
  const ses = mockClient(SESv2Client);

  beforeEach(() => {
    ses.reset();
    setSesClient(undefined);
  });
  afterEach(() => setSesClient(undefined));

  it('creates its client once, on first use', () => {
    const first = sesClient();
    expect(sesClient()).toBe(first);
  });

  it('sends one SendEmail (SES v2) from the configured sender, text and HTML in UTF-8, tagged with tenant and event', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
    const result = await new SesNotifier('suivi@coop.example').send(email);
    expect(result).toEqual({ messageId: 'ses-message-1' });
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      FromEmailAddress: 'suivi@coop.example',
      Destination: { ToAddresses: ['camille@example.org'] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
        },
      },
      EmailTags: [
        { Name: 'tenant', Value: 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T8' },
        { Name: 'event', Value: 'delivery_booked' },
      ],
    });
  });

  it('passes a refusal on, so the event is retried', async () => {
    ses.on(SendEmailCommand).rejects(new Error('MessageRejected: Email address is not verified'));
    await expect(new SesNotifier('suivi@coop.example').send(email)).rejects.toThrow('MessageRejected');
  });
});

describe('the notifier the environment chooses', () => {
  const saved = { NOTIFIER: process.env.NOTIFIER, SES_FROM_ADDRESS: process.env.SES_FROM_ADDRESS };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    setNotifier(undefined);
  });

  it('is the table outbox by default, so nothing is sent by accident', () => {
    delete process.env.NOTIFIER;
    expect(activeNotifier()).toBeInstanceOf(TableOutboxNotifier);
    process.env.NOTIFIER = 'outbox';
    expect(activeNotifier()).toBeInstanceOf(TableOutboxNotifier);
  });

  it('is SES with NOTIFIER=ses and a sender, and refuses SES without one', () => {
    process.env.NOTIFIER = 'ses';
    delete process.env.SES_FROM_ADDRESS;
    expect(() => activeNotifier()).toThrow('SES_FROM_ADDRESS');
    process.env.SES_FROM_ADDRESS = 'suivi@coop.example';
    expect(activeNotifier()).toBeInstanceOf(SesNotifier);
  });

  it('refuses a notifier it does not know', () => {
    process.env.NOTIFIER = 'sms';
    expect(() => activeNotifier()).toThrow("NOTIFIER must be 'ses' or 'outbox'");
  });
});
