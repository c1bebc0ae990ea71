import { useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useApp, useMe } from '../context.js';
import { Submission } from '../idempotency.js';
import { DEFAULT_CAPACITY, linesToParcels, type Capacity, type ItemLine } from '../presets.js';
import { href, navigate, onLinkClick } from '../router.js';
import type { Delivery, DefaultPickupView, Quote, Stop } from '../types.js';
import { AddressFields, emptyAddress, ErrorNotice, formToAddress, Loading, PageTitle, SelectField, TextArea, TextField, useAction, useAsync, type AddressForm } from '../ui.js';
import { ContactFields, emptyContact, formToContact, ItemsEditor, QuoteSummary, type ContactForm } from './booking-parts.js';

/** A shop's delivery: where from (the default pickup unless said otherwise), where to, what; price, then book. */
export function BookDeliveryPage() {
  const { t, announce } = useApp();
  const me = useMe();
  const tenantId = me.tenantId ?? '';
  const defaults = useAsync((signal) => api<DefaultPickupView>('GET', `/v1/tenants/${encodeURIComponent(tenantId)}/default-pickup`, { signal }), [tenantId]);
  const capacity = useAsync((signal) => api<Capacity>('GET', '/v1/hub/capacity', { signal }).catch(() => DEFAULT_CAPACITY), []);

  const [otherPickup, setOtherPickup] = useState(false);
  const [pickupAddress, setPickupAddress] = useState<AddressForm>(emptyAddress);
  const [pickupContact, setPickupContact] = useState<ContactForm>(emptyContact);
  const [dropoffAddress, setDropoffAddress] = useState<AddressForm>(emptyAddress);
  const [dropoffContact, setDropoffContact] = useState<ContactForm>(emptyContact);
  const [instructions, setInstructions] = useState('');
  const [service, setService] = useState<'standard' | 'express'>('standard');
  const [reference, setReference] = useState('');
  const [lines, setLines] = useState<ItemLine[]>([{ presetId: null, description: '', quantity: 1, weightKg: 0, lengthCm: null, widthCm: null, heightCm: null }]);
  const [quote, setQuote] = useState<Quote | null>(null);
  /** Through the hub (issue 18): who brings the parcels there; '' for a direct delivery. */
  const [viaHub, setViaHub] = useState<'' | 'courier' | 'tenant'>('');
  const submission = useRef(new Submission()).current;

  const request = useMemo(() => {
    const dropoff: Stop = { address: formToAddress(dropoffAddress) };
    const contact = formToContact(dropoffContact);
    if (contact) dropoff.contact = contact;
    if (instructions.trim() !== '') dropoff.instructions = instructions.trim().slice(0, 500);
    const body: Record<string, unknown> = { dropoff, parcels: linesToParcels(lines), service };
    if (otherPickup) {
      const pickup: Stop = { address: formToAddress(pickupAddress) };
      const pickupWho = formToContact(pickupContact);
      if (pickupWho) pickup.contact = pickupWho;
      body.pickup = pickup;
    }
    return body;
  }, [dropoffAddress, dropoffContact, instructions, lines, service, otherPickup, pickupAddress, pickupContact]);

  // Any change after the price was shown asks for a new price: what is booked is what was priced.
  const requestKey = JSON.stringify(request);
  const quotedFor = useRef('');
  if (quote && quotedFor.current !== requestKey) setQuote(null);

  const price = useAction(async () => {
    const answer = await api<Quote>('POST', '/v1/quotes', { body: request });
    quotedFor.current = requestKey;
    setQuote(answer);
    announce(t('quote.ready'));
  });

  const book = useAction(async () => {
    if (!quote) return;
    // Through the hub, the delivery is priced and booked in one call (the quote's price, plus the
    // rate card's hub line if it has one); otherwise the quote shown is booked.
    const body: Record<string, unknown> = viaHub ? { ...request, kind: 'delivery', viaHub: { firstLeg: viaHub } } : { quoteId: quote.id, kind: 'delivery' };
    if (reference.trim() !== '') body.reference = reference.trim().slice(0, 100);
    const key = submission.keyFor(body);
    try {
      const delivery = await api<Delivery>('POST', '/v1/deliveries', { body, idempotencyKey: key });
      submission.settled();
      announce(t('book.done'));
      navigate(`/deliveries/${delivery.id}`);
    } catch (error) {
      submission.failed(error);
      const code = (error as { code?: string }).code;
      if (code === 'quote_expired' || code === 'quote_already_used') setQuote(null);
      throw error;
    }
  });

  if (defaults.loading && !defaults.data) return <Loading />;
  const saved = defaults.data;
  return (
    <>
      <PageTitle>{t('book.deliveryTitle')}</PageTitle>
      <p>{t('book.deliveryIntro')}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (quote) void book.run();
          else void price.run();
        }}
      >
        <fieldset>
          <legend>{t('book.pickupLegend')}</legend>
          {saved ? (
            <p>
              {t('book.defaultPickupIs')} <strong>{saved.address.line1}, {saved.address.postcode} {saved.address.city}</strong>{' '}
              (<a href={href('/settings')} onClick={(event) => onLinkClick(event, '/settings')}>{t('book.changeDefault')}</a>)
            </p>
          ) : (
            <ErrorNotice error={defaults.error} />
          )}
          <div class="field checkbox">
            <input id="other-pickup" type="checkbox" checked={otherPickup} onChange={(event) => setOtherPickup((event.currentTarget as HTMLInputElement).checked)} />
            <label for="other-pickup">{t('book.otherPickup')}</label>
          </div>
          {otherPickup ? (
            <>
              <AddressFields legend={t('book.pickupAddress')} value={pickupAddress} onChange={setPickupAddress} />
              <ContactFields legend={t('book.pickupContact')} value={pickupContact} onChange={setPickupContact} />
            </>
          ) : null}
        </fieldset>
        <AddressFields legend={t('book.dropoffAddress')} value={dropoffAddress} onChange={setDropoffAddress} />
        <ContactFields legend={t('book.recipient')} value={dropoffContact} onChange={setDropoffContact} />
        <TextArea label={t('book.instructions')} hint={t('book.instructionsHint')} value={instructions} onValue={setInstructions} maxLength={500} />
        <ItemsEditor lines={lines} onChange={setLines} capacity={capacity.data ?? DEFAULT_CAPACITY} presets={false} />
        <div class="row">
          <SelectField label={t('book.service')} value={service} onValue={(value) => setService(value === 'express' ? 'express' : 'standard')} options={[['standard', t('book.standard')], ['express', t('book.express')]]} />
          <TextField label={t('book.reference')} hint={t('book.referenceHint')} value={reference} onValue={setReference} />
        </div>
        <SelectField
          label={t('viaHub.book')}
          hint={t('viaHub.bookHint')}
          value={viaHub}
          onValue={(value) => setViaHub(value === 'courier' || value === 'tenant' ? value : '')}
          options={[['', t('viaHub.bookDirect')], ['courier', t('viaHub.bookCourier')], ['tenant', t('viaHub.bookTenant')]]}
        />
        <ErrorNotice error={price.error} />
        {quote ? <QuoteSummary quote={quote} /> : null}
        <ErrorNotice error={book.error} />
        <div class="actions">
          {quote ? (
            <button type="submit" disabled={book.pending} aria-busy={book.pending}>
              {book.pending ? t('common.sending') : t('book.confirm')}
            </button>
          ) : (
            <button type="submit" disabled={price.pending} aria-busy={price.pending}>
              {price.pending ? t('common.sending') : t('book.getPrice')}
            </button>
          )}
        </div>
      </form>
    </>
  );
}
