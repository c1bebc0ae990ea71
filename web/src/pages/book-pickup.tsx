import { useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useApp, useMe } from '../context.js';
import { formatLocalDate, nextDays } from '../format.js';
import { Submission } from '../idempotency.js';
import { accessInstructions, DEFAULT_CAPACITY, fitsCargoBike, linesToParcels, type Access, type Capacity, type ItemLine } from '../presets.js';
import { href, navigate, onLinkClick } from '../router.js';
import type { DefaultPickupView, Delivery, Quote, Slot, Stop } from '../types.js';
import { AddressFields, emptyAddress, ErrorNotice, formToAddress, Loading, PageTitle, SelectField, TextArea, TextField, useAction, useAsync, type AddressForm } from '../ui.js';
import { ContactFields, emptyContact, formToContact, ItemsEditor, loadDaySlots, QuoteSummary, SlotOptions, type ContactForm } from './booking-parts.js';

const DAYS_AHEAD = 14;

/** The hub's slots of the next two weeks that have not ended, each with what remains. */
async function loadSlots(signal: AbortSignal): Promise<Array<{ date: string; slots: Slot[] }>> {
  const now = Date.now();
  const days = await Promise.all(nextDays(DAYS_AHEAD).map(async (date) => ({ date, slots: await loadDaySlots(date, signal, now) })));
  return days.filter((day) => day.slots.length > 0);
}

/**
 * A ressourcerie's pickup at a donor's home: a slot among the next 14 days, the items (presets,
 * editable), the donor's address, contact and access; the price, then the booking.
 */
export function BookPickupPage() {
  const { t, lang, announce } = useApp();
  const me = useMe();
  const tenantId = me.tenantId ?? '';
  const slots = useAsync(loadSlots, []);
  const destination = useAsync((signal) => api<DefaultPickupView>('GET', `/v1/tenants/${encodeURIComponent(tenantId)}/default-pickup`, { signal }), [tenantId]);
  const capacity = useAsync((signal) => api<Capacity>('GET', '/v1/hub/capacity', { signal }).catch(() => DEFAULT_CAPACITY), []);

  const [slotId, setSlotId] = useState('');
  const [lines, setLines] = useState<ItemLine[]>([]);
  const [address, setAddress] = useState<AddressForm>(emptyAddress);
  const [donor, setDonor] = useState<ContactForm>(emptyContact);
  const [access, setAccess] = useState<Access>({ floor: '', lift: '', notes: '' });
  const [reference, setReference] = useState('');
  const [quote, setQuote] = useState<Quote | null>(null);
  const submission = useRef(new Submission()).current;

  const parcels = useMemo(() => linesToParcels(lines), [lines]);
  const fit = fitsCargoBike(parcels, capacity.data ?? DEFAULT_CAPACITY);
  const instructions = accessInstructions(access);

  const quoteRequest = useMemo(() => {
    const pickup: Stop = { address: formToAddress(address) };
    const contact = formToContact(donor);
    if (contact) pickup.contact = contact;
    if (instructions) pickup.instructions = instructions;
    const target = destination.data;
    const dropoff: Stop | undefined = target ? { address: target.address, contact: target.contact } : undefined;
    if (dropoff && target?.instructions) dropoff.instructions = target.instructions;
    return { pickup, dropoff, parcels };
  }, [address, donor, instructions, destination.data, parcels]);

  const requestKey = JSON.stringify(quoteRequest);
  const quotedFor = useRef('');
  if (quote && quotedFor.current !== requestKey) setQuote(null);

  const price = useAction(async () => {
    const answer = await api<Quote>('POST', '/v1/quotes', { body: quoteRequest });
    quotedFor.current = requestKey;
    setQuote(answer);
    announce(t('quote.ready'));
  });

  const book = useAction(async () => {
    if (!quote) return;
    const body: Record<string, unknown> = { quoteId: quote.id, kind: 'pickup', slotId };
    if (reference.trim() !== '') body.reference = reference.trim().slice(0, 100);
    const key = submission.keyFor(body);
    try {
      const delivery = await api<Delivery>('POST', '/v1/deliveries', { body, idempotencyKey: key });
      submission.settled();
      announce(t('book.pickupDone'));
      navigate(`/deliveries/${delivery.id}`);
    } catch (error) {
      submission.failed(error);
      const code = (error as { code?: string }).code;
      if (code === 'slot_full' || (code === 'parameter_invalid' && (error as { param?: string }).param === 'slotId')) {
        // The slot filled (or ended) meanwhile: nothing was booked; show what is left now.
        setSlotId('');
        slots.reload();
      }
      if (code === 'quote_expired' || code === 'quote_already_used') setQuote(null);
      throw error;
    }
  });

  const missingSlot = slotId === '';
  const target = destination.data;
  return (
    <>
      <PageTitle>{t('pickup.title')}</PageTitle>
      <p>{t('pickup.intro')}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (quote) void book.run();
          else void price.run();
        }}
      >
        <fieldset>
          <legend>{t('pickup.when')}</legend>
          {slots.loading && !slots.data ? <Loading label={t('pickup.loadingSlots')} /> : null}
          <ErrorNotice error={slots.error} />
          {slots.data && slots.data.length === 0 ? <p>{t('pickup.noSlots')}</p> : null}
          <div class="days">
            {(slots.data ?? []).map((day) => (
              <fieldset class="day slot-options-day" key={day.date}>
                <legend>{formatLocalDate(day.date, lang)}</legend>
                <SlotOptions slots={day.slots} value={slotId} onChange={setSlotId} name="slot" required />
              </fieldset>
            ))}
          </div>
        </fieldset>

        <ItemsEditor lines={lines} onChange={setLines} capacity={capacity.data ?? DEFAULT_CAPACITY} presets />

        <AddressFields legend={t('pickup.donorAddress')} value={address} onChange={setAddress} />
        <ContactFields legend={t('pickup.donor')} value={donor} onChange={setDonor} requirePhone />
        <fieldset>
          <legend>{t('pickup.access')}</legend>
          <div class="row">
            <SelectField
              label={t('pickup.floor')}
              value={access.floor}
              onValue={(floor) => setAccess({ ...access, floor })}
              options={[['', t('pickup.floorUnknown')], ['0', t('pickup.groundFloor')], ...Array.from({ length: 10 }, (_, index) => [String(index + 1), t('pickup.floorN', { n: index + 1 })] as const)]}
            />
            <SelectField label={t('pickup.lift')} value={access.lift} onValue={(lift) => setAccess({ ...access, lift: lift === 'yes' || lift === 'no' ? lift : '' })} options={[['', t('pickup.liftUnknown')], ['yes', t('pickup.liftYes')], ['no', t('pickup.liftNo')]]} />
          </div>
          <TextArea label={t('pickup.notes')} hint={t('pickup.notesHint')} value={access.notes} onValue={(notes) => setAccess({ ...access, notes })} maxLength={400} />
          {instructions ? (
            <p class="small">
              {t('pickup.courierReads')} « {instructions} »
            </p>
          ) : null}
        </fieldset>
        <TextField label={t('book.reference')} hint={t('pickup.referenceHint')} value={reference} onValue={setReference} />
        {target ? (
          <p class="small">
            {t('pickup.bringTo')} {target.address.line1}, {target.address.postcode} {target.address.city} (
            <a href={href('/settings')} onClick={(event) => onLinkClick(event, '/settings')}>
              {t('book.changeDefault')}
            </a>
            )
          </p>
        ) : (
          <ErrorNotice error={destination.error} />
        )}
        <ErrorNotice error={price.error} />
        {quote ? <QuoteSummary quote={quote} /> : null}
        <ErrorNotice error={book.error} />
        {quote && missingSlot ? <p class="notice warning">{t('pickup.chooseSlot')}</p> : null}
        <div class="actions">
          {quote ? (
            <button type="submit" disabled={book.pending || missingSlot} aria-busy={book.pending}>
              {book.pending ? t('common.sending') : t('pickup.confirm')}
            </button>
          ) : (
            <button type="submit" disabled={price.pending || !fit.fits || !target} aria-busy={price.pending}>
              {price.pending ? t('common.sending') : t('book.getPrice')}
            </button>
          )}
        </div>
      </form>
    </>
  );
}
