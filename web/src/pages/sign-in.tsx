import { useEffect, useState } from 'preact/hooks';
import { api, setCsrfToken } from '../api.js';
import { useApp } from '../context.js';
import type { Me } from '../types.js';
import { ErrorNotice, Loading, Notice, PageTitle, TextField, useAction } from '../ui.js';

/** Step 1: the person gives an e-mail address; a link arrives if it belongs to an account. */
export function SignInPage({ expired }: { expired?: boolean }) {
  const { t } = useApp();
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const send = useAction(async (address: string) => {
    await api('POST', '/v1/auth/sign-in', { body: { email: address } });
    setSentTo(address);
  });

  if (sentTo) {
    return (
      <section class="narrow-page">
        <PageTitle>{t('signIn.checkInbox')}</PageTitle>
        <Notice kind="success">
          <p>{t('signIn.sent', { email: sentTo })}</p>
        </Notice>
        <p>{t('signIn.sentHelp')}</p>
        <button type="button" class="secondary" onClick={() => setSentTo(null)}>
          {t('signIn.again')}
        </button>
      </section>
    );
  }
  return (
    <section class="narrow-page">
      <PageTitle>{t('signIn.title')}</PageTitle>
      <p>{t('signIn.intro')}</p>
      {expired ? <Notice kind="warning">{t('signIn.expired')}</Notice> : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void send.run(email.trim());
        }}
      >
        <TextField label={t('signIn.email')} type="email" value={email} onValue={setEmail} required autoComplete="email" inputMode="email" />
        <ErrorNotice error={send.error} />
        <button type="submit" disabled={send.pending} aria-busy={send.pending}>
          {send.pending ? t('common.sending') : t('signIn.send')}
        </button>
      </form>
    </section>
  );
}

interface SessionOpened {
  object: 'session';
  csrfToken: string;
  expiresAt: string;
  user: Me['user'];
}

/** The token of the link, once: a re-render (or a second mount) never posts it twice. */
const opened = new Map<string, Promise<SessionOpened>>();

/**
 * Step 2: the link from the e-mail (`/app/sign-in#token=…`). The token is in the fragment, so
 * it never reaches a server log or a Referer; it is taken out of the address bar at once, and
 * exchanged for the session cookie.
 */
export function SignInLanding({ onSignedIn }: { onSignedIn(me: Me): void }) {
  const { t } = useApp();
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    let promise = opened.get(token);
    if (!promise) {
      promise = api<SessionOpened>('POST', '/v1/auth/sessions', { body: { token } });
      opened.set(token, promise);
    }
    promise.then(
      (session) => {
        setCsrfToken(session.csrfToken);
        const user = session.user;
        onSignedIn({
          object: 'me',
          user,
          role: user?.role ?? 'tenant',
          tenantId: user?.tenantId ?? null,
          csrfToken: session.csrfToken,
          sessionExpiresAt: session.expiresAt,
        });
      },
      (caught: unknown) => setError(caught),
    );
  }, []);
  if (error) {
    return (
      <section class="narrow-page">
        <PageTitle>{t('signIn.linkFailed')}</PageTitle>
        <ErrorNotice error={error} />
        <SignInForm />
      </section>
    );
  }
  return (
    <section class="narrow-page">
      <PageTitle>{t('signIn.title')}</PageTitle>
      <Loading label={t('signIn.opening')} />
    </section>
  );
}

function SignInForm() {
  const { t } = useApp();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const send = useAction(async (address: string) => {
    await api('POST', '/v1/auth/sign-in', { body: { email: address } });
    setSent(true);
  });
  if (sent) return <Notice kind="success">{t('signIn.sent', { email })}</Notice>;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void send.run(email.trim());
      }}
    >
      <h2>{t('signIn.newLink')}</h2>
      <TextField label={t('signIn.email')} type="email" value={email} onValue={setEmail} required autoComplete="email" />
      <ErrorNotice error={send.error} />
      <button type="submit" disabled={send.pending}>
        {t('signIn.send')}
      </button>
    </form>
  );
}
