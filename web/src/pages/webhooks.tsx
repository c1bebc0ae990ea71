import { useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { useApp } from '../context.js';
import { formatDateTime } from '../format.js';
import type { MessageKey } from '../i18n.js';
import { Submission } from '../idempotency.js';
import { ConfirmDialog, CopyButton, ErrorNotice, Loading, PageTitle, TableWrap, TextField, useAction, useAsync } from '../ui.js';
import { eventsToSend, WEBHOOK_EVENT_GROUPS } from '../webhook-events.js';

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  status: 'enabled' | 'disabled';
  disabledReason: string | null;
  createdAt: string;
}

interface WebhookMessage {
  id: string;
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  attemptLog: Array<{ at: string; statusCode: number | null; latencyMs: number; error: string | null }>;
  createdAt: string;
}

/** The label of an event filter: an area's wildcard, or one type. */
export function eventLabel(t: (key: MessageKey) => string, filter: string): string {
  if (filter.endsWith('.*')) return t(`webhooks.all.${filter.slice(0, -2)}` as MessageKey);
  return t(`webhooks.event.${filter}` as MessageKey);
}

/** A tenant's webhook endpoints: the list, a new one (its secret shown once), messages, rotation, deletion. */
export function WebhooksPage() {
  const { t, lang, announce } = useApp();
  const endpoints = useAsync((signal) => api<Page<WebhookEndpoint>>('GET', '/v1/webhook-endpoints', { query: { limit: 100 }, signal }), []);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(['delivery.*']));
  const [secret, setSecret] = useState<{ text: string; note: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [rotating, setRotating] = useState<WebhookEndpoint | null>(null);
  const [deleting, setDeleting] = useState<WebhookEndpoint | null>(null);
  const submission = useRef(new Submission()).current;
  const events = eventsToSend(chosen);

  const create = useAction(async () => {
    setSecret(null);
    if (events.length === 0) throw { code: 'parameter_missing', message: t('webhooks.eventsNone') };
    const body: Record<string, unknown> = { url: url.trim(), events };
    if (description.trim() !== '') body.description = description.trim();
    try {
      const created = await api<WebhookEndpoint & { secret: string }>('POST', '/v1/webhook-endpoints', { body, idempotencyKey: submission.keyFor(body) });
      submission.settled();
      setSecret({ text: created.secret, note: t('webhooks.secretOnce') });
      announce(t('webhooks.created'));
      setUrl('');
      setDescription('');
      endpoints.reload();
    } catch (error) {
      submission.failed(error);
      throw error;
    }
  });
  const rotate = useAction(async () => {
    if (!rotating) return;
    const answer = await api<{ secret: string; previousSecretExpiresAt: string }>('POST', `/v1/webhook-endpoints/${encodeURIComponent(rotating.id)}/rotate-secret`);
    const note = t('webhooks.rotated', { date: formatDateTime(answer.previousSecretExpiresAt, lang) });
    setSecret({ text: answer.secret, note });
    announce(note);
    setRotating(null);
  });
  const remove = useAction(async () => {
    if (!deleting) return;
    await api('DELETE', `/v1/webhook-endpoints/${encodeURIComponent(deleting.id)}`);
    announce(t('webhooks.deleted'));
    setDeleting(null);
    endpoints.reload();
  });

  const toggle = (value: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(value);
    else next.delete(value);
    setChosen(next);
  };

  return (
    <>
      <PageTitle>{t('webhooks.title')}</PageTitle>
      <p>{t('webhooks.intro')}</p>
      {endpoints.loading && !endpoints.data ? <Loading /> : null}
      <ErrorNotice error={endpoints.error} />
      {endpoints.data && endpoints.data.data.length === 0 ? <p>{t('webhooks.none')}</p> : null}
      {secret ? (
        <div class="notice warning" role="status">
          <p>
            <strong>{secret.note}</strong>
          </p>
          <code class="secret">{secret.text}</code>
          <div class="actions">
            <CopyButton text={secret.text} label={t('webhooks.copySecret')} />
          </div>
        </div>
      ) : null}
      <ul class="cards">
        {endpoints.data?.data.map((endpoint) => (
          <li key={endpoint.id} class="card">
            <h2 class="break">{endpoint.url}</h2>
            {endpoint.description ? <p>{endpoint.description}</p> : null}
            <p>
              <span class={`badge status-${endpoint.status === 'enabled' ? 'delivered' : 'failed'}`}>{t(`webhooks.status.${endpoint.status}`)}</span>
              {endpoint.disabledReason ? ` ${t('webhooks.disabledReason', { reason: endpoint.disabledReason })}` : ''}
            </p>
            <p class="small">
              {endpoint.events.map((filter) => eventLabel(t, filter)).join(' · ')} · {t('webhooks.createdOn', { date: formatDateTime(endpoint.createdAt, lang) })}
            </p>
            <div class="actions">
              <button type="button" class="secondary" aria-expanded={open === endpoint.id} onClick={() => setOpen(open === endpoint.id ? null : endpoint.id)}>
                {open === endpoint.id ? t('webhooks.hideMessages') : t('webhooks.messages')}
                <span class="visually-hidden"> {endpoint.url}</span>
              </button>
              <button type="button" class="secondary" onClick={() => setRotating(endpoint)}>
                {t('webhooks.rotate')}
                <span class="visually-hidden"> {endpoint.url}</span>
              </button>
              <button type="button" class="danger" onClick={() => setDeleting(endpoint)}>
                {t('webhooks.delete')}
                <span class="visually-hidden"> {endpoint.url}</span>
              </button>
            </div>
            {open === endpoint.id ? <Messages endpoint={endpoint} /> : null}
          </li>
        ))}
      </ul>

      <form
        onSubmit={(event) => {
          event.preventDefault();
          void create.run();
        }}
      >
        <h2>{t('webhooks.new')}</h2>
        <TextField label={t('webhooks.url')} hint={t('webhooks.urlHint')} type="url" value={url} onValue={setUrl} required inputMode="url" />
        <TextField label={t('webhooks.description')} value={description} onValue={setDescription} />
        <fieldset class="checks">
          <legend>{t('webhooks.events')}</legend>
          {WEBHOOK_EVENT_GROUPS.map((group) => {
            const wildcard = `${group.area}.*`;
            const all = chosen.has(wildcard);
            return (
              <div key={group.area}>
                <EventBox label={t(`webhooks.all.${group.area}` as MessageKey)} code={wildcard} checked={all} onChecked={(on) => toggle(wildcard, on)} />
                {group.types.length > 1 && !all ? (
                  <div class="indent">
                    {group.types.map((type) => (
                      <EventBox key={type} label={t(`webhooks.event.${type}` as MessageKey)} code={type} checked={chosen.has(type)} onChecked={(on) => toggle(type, on)} />
                    ))}
                  </div>
                ) : null}
              </div>
            );
          })}
        </fieldset>
        {events.length === 0 ? <p class="hint">{t('webhooks.eventsNone')}</p> : null}
        <ErrorNotice error={create.error} />
        <button type="submit" disabled={create.pending}>
          {t('webhooks.create')}
        </button>
      </form>

      <ConfirmDialog
        open={rotating !== null}
        title={t('webhooks.rotateTitle')}
        confirmLabel={t('webhooks.rotate')}
        cancelLabel={t('common.cancel')}
        pending={rotate.pending}
        onConfirm={() => void rotate.run()}
        onCancel={() => setRotating(null)}
      >
        <p class="break">{rotating?.url}</p>
        <p>{t('webhooks.rotateText')}</p>
        <ErrorNotice error={rotate.error} />
      </ConfirmDialog>
      <ConfirmDialog
        open={deleting !== null}
        title={t('webhooks.deleteTitle')}
        confirmLabel={t('webhooks.delete')}
        cancelLabel={t('common.cancel')}
        danger
        pending={remove.pending}
        onConfirm={() => void remove.run()}
        onCancel={() => setDeleting(null)}
      >
        <p class="break">{t('webhooks.deleteText', { url: deleting?.url ?? '' })}</p>
        <ErrorNotice error={remove.error} />
      </ConfirmDialog>
    </>
  );
}

function EventBox({ label, code, checked, onChecked }: { label: string; code: string; checked: boolean; onChecked(on: boolean): void }) {
  const id = `event-${code.replace(/[^a-z_]/g, '-')}`;
  return (
    <div class="field checkbox">
      <input id={id} type="checkbox" checked={checked} onChange={(event) => onChecked((event.currentTarget as HTMLInputElement).checked)} />
      <label for={id}>
        {label} <code class="small">{code}</code>
      </label>
    </div>
  );
}

function Messages({ endpoint }: { endpoint: WebhookEndpoint }) {
  const { t, lang, announce } = useApp();
  const path = `/v1/webhook-endpoints/${encodeURIComponent(endpoint.id)}/messages`;
  const messages = useAsync((signal) => api<Page<WebhookMessage>>('GET', path, { query: { limit: 20 }, signal }), [path]);
  const retry = useAction(async (message: WebhookMessage) => {
    await api('POST', `${path}/${encodeURIComponent(message.id)}/retry`);
    announce(t('webhooks.retried'));
    messages.reload();
  });
  return (
    <section aria-label={`${t('webhooks.messages')} ${endpoint.url}`}>
      <h3>{t('webhooks.messages')}</h3>
      <button type="button" class="link" onClick={messages.reload}>
        {t('webhooks.refresh')}
      </button>
      {messages.loading && !messages.data ? <Loading /> : null}
      <ErrorNotice error={messages.error ?? retry.error} />
      {messages.data && messages.data.data.length === 0 ? <p>{t('webhooks.noMessages')}</p> : null}
      {messages.data && messages.data.data.length > 0 ? (
        <TableWrap label={`${t('webhooks.messages')} ${endpoint.url}`}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('webhooks.event')}</th>
                <th scope="col">{t('webhooks.state')}</th>
                <th scope="col">{t('webhooks.attempts')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('webhooks.retry')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {messages.data.data.map((message) => (
                <tr key={message.id}>
                  <th scope="row">
                    {eventLabel(t, message.type)}
                    <br />
                    <span class="small">{formatDateTime(message.createdAt, lang)}</span>
                  </th>
                  <td>
                    <span class={`badge status-${message.status === 'pending' ? 'booked' : message.status}`}>{t(`webhooks.msg.${message.status}`)}</span>
                  </td>
                  <td>
                    <ul class="attempts">
                      {message.attemptLog.map((attempt, index) => (
                        <li key={index}>
                          {t('webhooks.attempt', { date: formatDateTime(attempt.at, lang), result: attempt.statusCode === null ? attempt.error ?? t('webhooks.noAnswer') : `HTTP ${attempt.statusCode}`, ms: attempt.latencyMs })}
                        </li>
                      ))}
                    </ul>
                    {message.nextAttemptAt ? <p class="small">{t('webhooks.nextAttempt', { date: formatDateTime(message.nextAttemptAt, lang) })}</p> : null}
                  </td>
                  <td>
                    <button type="button" class="secondary" disabled={retry.pending} onClick={() => void retry.run(message)}>
                      {t('webhooks.retry')}
                      <span class="visually-hidden"> {eventLabel(t, message.type)}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </section>
  );
}
