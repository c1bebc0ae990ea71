import type { ComponentType } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, onUnauthenticated, setApiLanguage, setCsrfToken } from './api.js';
import { App, useApp, type AppContext } from './context.js';
import { LANGS, pickLanguage, STORAGE_KEY, translator, type Lang, type MessageKey } from './i18n.js';
import { SignInLanding, SignInPage } from './pages/sign-in.js';
import { currentPath, href, match, navigate, onLinkClick, useRoute } from './router.js';
import type { Me, Tenant } from './types.js';
import { ErrorNotice, Loading, PageTitle } from './ui.js';

type Loader = () => Promise<ComponentType<{ params: Record<string, string> }>>;

interface PageRoute {
  pattern: string;
  load: Loader;
  title: MessageKey;
  allowed(me: Me): boolean;
}

const isTenant = (me: Me) => me.role === 'tenant';
const isBookkeeper = (me: Me) => me.role === 'accountant' && me.tenantId !== null;
const keepsTheBooks = (me: Me) => me.role === 'admin' || (me.role === 'accountant' && me.tenantId === null);
const isAdmin = (me: Me) => me.role === 'admin';
const isCourier = (me: Me) => me.role === 'courier';

/** Each page is its own chunk, loaded when first opened: the first screen stays small. */
const pageRoutes: PageRoute[] = [
  { pattern: '/deliveries', title: 'nav.deliveries', allowed: (me) => isTenant(me) || isBookkeeper(me), load: () => import('./pages/deliveries.js').then((m) => m.DeliveriesPage) },
  { pattern: '/deliveries/:id', title: 'nav.deliveries', allowed: (me) => isTenant(me) || isBookkeeper(me), load: () => import('./pages/deliveries.js').then((m) => m.DeliveryPage) },
  { pattern: '/book/delivery', title: 'nav.bookDelivery', allowed: isTenant, load: () => import('./pages/book-delivery.js').then((m) => m.BookDeliveryPage) },
  { pattern: '/book/pickup', title: 'nav.bookPickup', allowed: isTenant, load: () => import('./pages/book-pickup.js').then((m) => m.BookPickupPage) },
  { pattern: '/invoices', title: 'nav.invoices', allowed: (me) => isTenant(me) || isBookkeeper(me), load: () => import('./pages/invoices.js').then((m) => m.InvoicesPage) },
  { pattern: '/settings', title: 'nav.settings', allowed: isTenant, load: () => import('./pages/settings.js').then((m) => m.SettingsPage) },
  { pattern: '/settings/webhooks', title: 'nav.webhooks', allowed: isTenant, load: () => import('./pages/webhooks.js').then((m) => m.WebhooksPage) },
  { pattern: '/settings/integrations', title: 'nav.integrations', allowed: isTenant, load: () => import('./pages/integrations.js').then((m) => m.IntegrationsPage) },
  { pattern: '/accounting', title: 'nav.reconciliation', allowed: keepsTheBooks, load: () => import('./pages/accounting.js').then((m) => m.ReconciliationPage) },
  { pattern: '/accounting/invoices', title: 'nav.accountingInvoices', allowed: keepsTheBooks, load: () => import('./pages/accounting-invoices.js').then((m) => m.AccountingInvoicesPage) },
  { pattern: '/accounting/bank', title: 'nav.bank', allowed: keepsTheBooks, load: () => import('./pages/bank.js').then((m) => m.BankPage) },
  { pattern: '/hub/tenants', title: 'nav.tenants', allowed: isAdmin, load: () => import('./pages/hub.js').then((m) => m.TenantsPage) },
  { pattern: '/hub/slots', title: 'nav.slots', allowed: isAdmin, load: () => import('./pages/hub.js').then((m) => m.SlotsPage) },
  { pattern: '/hub/users', title: 'nav.hubUsers', allowed: isAdmin, load: () => import('./pages/hub.js').then((m) => m.HubUsersPage) },
  { pattern: '/hub/settings', title: 'nav.hubSettings', allowed: isAdmin, load: () => import('./pages/hub-settings.js').then((m) => m.HubSettingsPage) },
  { pattern: '/hub/dispatch', title: 'nav.dispatch', allowed: isAdmin, load: () => import('./pages/dispatch.js').then((m) => m.DispatchPage) },
  { pattern: '/hub/couriers', title: 'couriers.title', allowed: isAdmin, load: () => import('./pages/couriers.js').then((m) => m.CouriersPage) },
  { pattern: '/courier', title: 'nav.courierRound', allowed: isCourier, load: () => import('./pages/courier.js').then((m) => m.CourierPage) },
  { pattern: '/courier/scan', title: 'scan.title', allowed: isCourier, load: () => import('./pages/hub-scan.js').then((m) => m.CourierScanPage) },
  { pattern: '/hub/scan', title: 'scan.title', allowed: isAdmin, load: () => import('./pages/hub-scan.js').then((m) => m.HubScanPage) },
  { pattern: '/hub/labels', title: 'labels.title', allowed: isAdmin, load: () => import('./pages/labels.js').then((m) => m.LabelsPage) },
  { pattern: '/labels', title: 'labels.title', allowed: isTenant, load: () => import('./pages/labels.js').then((m) => m.LabelsPage) },
  { pattern: '/standing-orders', title: 'nav.standingOrders', allowed: isTenant, load: () => import('./pages/standing-orders.js').then((m) => m.StandingOrdersPage) },
  { pattern: '/standing-orders/new', title: 'nav.standingOrders', allowed: isTenant, load: () => import('./pages/standing-orders.js').then((m) => m.NewStandingOrderPage) },
  { pattern: '/standing-orders/:id', title: 'nav.standingOrders', allowed: (me) => isTenant(me) || isAdmin(me), load: () => import('./pages/standing-orders.js').then((m) => m.StandingOrderPage) },
  { pattern: '/hub/standing-orders', title: 'nav.standingOrders', allowed: isAdmin, load: () => import('./pages/standing-orders-hub.js').then((m) => m.HubStandingOrdersPage) },
  { pattern: '/standing-orders/:id/edit', title: 'nav.standingOrders', allowed: isTenant, load: () => import('./pages/standing-orders.js').then((m) => m.EditStandingOrderPage) },
  { pattern: '/impact', title: 'nav.impact', allowed: (me) => isTenant(me) || isAdmin(me) || keepsTheBooks(me) || isBookkeeper(me), load: () => import('./pages/impact.js').then((m) => m.ImpactPage) },
];

/** The menu of each role, most used first. */
export function menuFor(me: Me, tenant: Tenant | null): Array<[string, MessageKey]> {
  if (isTenant(me)) {
    const booking: Array<[string, MessageKey]> = [['/book/delivery', 'nav.bookDelivery'], ['/book/pickup', 'nav.bookPickup']];
    if (tenant?.kind === 'ressourcerie') booking.reverse();
    return [['/deliveries', 'nav.deliveries'], ...booking, ['/standing-orders', 'nav.standingOrders'], ['/invoices', 'nav.invoices'], ['/impact', 'nav.impact'], ['/settings', 'nav.settings']];
  }
  if (isBookkeeper(me)) return [['/invoices', 'nav.invoices'], ['/deliveries', 'nav.deliveries']];
  if (isCourier(me)) return [['/courier', 'nav.courierRound']];
  const books: Array<[string, MessageKey]> = [['/accounting', 'nav.reconciliation'], ['/accounting/invoices', 'nav.accountingInvoices'], ['/accounting/bank', 'nav.bank']];
  if (isAdmin(me)) return [['/hub/tenants', 'nav.tenants'], ['/hub/dispatch', 'nav.dispatch'], ['/hub/couriers', 'couriers.title'], ['/hub/scan', 'nav.hubScan'], ['/hub/labels', 'nav.hubLabels'], ['/hub/standing-orders', 'nav.standingOrders'], ['/hub/slots', 'nav.slots'], ['/hub/settings', 'nav.hubSettings'], ['/hub/users', 'nav.hubUsers'], ['/impact', 'nav.impact'], ...books];
  return books;
}

const loaded = new Map<string, ComponentType<{ params: Record<string, string> }>>();

/**
 * A courier's app opens without network (from the service worker's cache): who was signed in is
 * kept on the phone (never the CSRF token), and asked again when the network is back.
 */
const COURIER_KEY = 'dh.courier.me';
function rememberCourier(me: Me | null): void {
  try {
    if (me?.role === 'courier') window.localStorage.setItem(COURIER_KEY, JSON.stringify({ ...me, csrfToken: null }));
    else window.localStorage.removeItem(COURIER_KEY);
  } catch {
    /* private mode: the app needs the network to open */
  }
}
function rememberedCourier(): Me | null {
  try {
    const kept = JSON.parse(window.localStorage.getItem(COURIER_KEY) ?? 'null') as Me | null;
    return kept?.role === 'courier' ? kept : null;
  } catch {
    return null;
  }
}

function LazyPage({ route, params }: { route: PageRoute; params: Record<string, string> }) {
  const [Page, setPage] = useState(() => loaded.get(route.pattern));
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    const known = loaded.get(route.pattern);
    if (known) {
      setPage(() => known);
      return;
    }
    let live = true;
    setPage(undefined);
    route.load().then(
      (component) => {
        loaded.set(route.pattern, component);
        if (live) setPage(() => component);
      },
      (caught: unknown) => live && setError(caught),
    );
    return () => {
      live = false;
    };
  }, [route]);
  if (error) return <ErrorNotice error={{ code: 'network_error' }} />;
  if (!Page) return <Loading />;
  return <Page params={params} />;
}

function readStoredLanguage(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function Root() {
  const [lang, setLangState] = useState<Lang>(() => pickLanguage(readStoredLanguage(), navigator.languages ?? [navigator.language]));
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [meError, setMeError] = useState<unknown>(undefined);
  const [tenant, setTenant] = useState<Tenant | null>(null);
  const [announcement, setAnnouncement] = useState('');
  /** The session ended while the app was open (expired, revoked): the sign-in page says so. */
  const [expired, setExpired] = useState(false);
  const route = useRoute();
  const t = useMemo(() => translator(lang), [lang]);

  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      /* private mode: the choice lasts this visit */
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
    setApiLanguage(lang);
  }, [lang]);

  const adopt = useCallback((next: Me | null) => {
    rememberCourier(next);
    setCsrfToken(next?.csrfToken ?? null);
    setMe(next);
    if (next) setExpired(false);
    if (!next) setTenant(null);
  }, []);

  const loadMe = useCallback(async () => {
    setMeError(undefined);
    try {
      adopt(await api<Me>('GET', '/v1/me'));
    } catch (error) {
      const status = (error as { status?: number }).status;
      const kept = status === 0 ? rememberedCourier() : null;
      if (status === 401 || status === 403) adopt(null);
      else if (kept) adopt(kept);
      else setMeError(error);
    }
  }, [adopt]);

  // Opened offline with the courier kept on the phone: the session is asked again once online.
  useEffect(() => {
    if (!me || me.role !== 'courier' || me.csrfToken) return;
    const again = () => void loadMe();
    window.addEventListener('online', again);
    return () => window.removeEventListener('online', again);
  }, [me, loadMe]);

  // The sign-in link's landing page opens the session itself; everything else asks who is there.
  const [landing, setLanding] = useState(() => match('/sign-in', currentPath()) !== null && window.location.hash.includes('token='));
  useEffect(() => {
    if (!landing) void loadMe();
    onUnauthenticated(() => {
      setExpired(true);
      adopt(null);
    });
    return () => onUnauthenticated(null);
  }, []);

  useEffect(() => {
    if (!me?.tenantId || me.role !== 'tenant') return;
    api<Tenant>('GET', `/v1/tenants/${encodeURIComponent(me.tenantId)}`).then(setTenant, () => setTenant(null));
  }, [me?.tenantId, me?.role]);

  const announceTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const announce = useCallback((message: string) => {
    // Cleared first so the same sentence twice is announced twice; gone after a while.
    setAnnouncement('');
    clearTimeout(announceTimer.current);
    announceTimer.current = setTimeout(() => {
      setAnnouncement(message);
      announceTimer.current = setTimeout(() => setAnnouncement(''), 8000);
    }, 50);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api('DELETE', '/v1/auth/session');
    } catch {
      /* signed out already: the same outcome */
    }
    setExpired(false);
    adopt(null);
    navigate('/sign-in', { replace: true });
    announce(translator(lang)('signIn.signedOut'));
  }, [adopt, announce, lang]);

  const context: AppContext = { lang, setLang, t, me: me ?? null, tenant, announce, signOut };

  // After each navigation, the page's heading takes the focus (and the title changes).
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const timer = setTimeout(() => document.getElementById('page-title')?.focus(), 0);
    return () => clearTimeout(timer);
  }, [route.path]);

  let content;
  let title: string = t('app.name');
  if (landing) {
    content = (
      <SignInLanding
        onSignedIn={(next) => {
          adopt(next);
          setLanding(false);
          void loadMe();
          navigate('/', { replace: true });
        }}
      />
    );
    title = t('signIn.title');
  } else if (me === undefined) {
    content = meError ? (
      <>
        <PageTitle>{t('app.name')}</PageTitle>
        <ErrorNotice error={meError} />
        <button type="button" onClick={() => void loadMe()}>{t('common.retry')}</button>
      </>
    ) : (
      <Loading />
    );
  } else if (me === null) {
    content = <SignInPage expired={expired} />;
    title = t('signIn.title');
  } else {
    const menu = menuFor(me, tenant);
    const path = route.path === '/' || match('/sign-in', route.path) ? menu[0]?.[0] ?? '/' : route.path;
    if (path !== route.path) setTimeout(() => navigate(path, { replace: true }), 0);
    const found = pageRoutes.map((candidate) => ({ candidate, params: match(candidate.pattern, path) })).find(({ params }) => params !== null);
    if (!found || !found.params) {
      content = (
        <>
          <PageTitle>{t('notFound.title')}</PageTitle>
          <p>{t('notFound.text')}</p>
        </>
      );
      title = t('notFound.title');
    } else if (!found.candidate.allowed(me)) {
      content = (
        <>
          <PageTitle>{t('forbidden.title')}</PageTitle>
          <p>{t('forbidden.text')}</p>
        </>
      );
      title = t('forbidden.title');
    } else {
      content = <LazyPage key={found.candidate.pattern} route={found.candidate} params={found.params} />;
      title = t(found.candidate.title);
    }
  }

  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);

  return (
    <App.Provider value={context}>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <Header route={route.path} />
      <main id="main" tabIndex={-1}>
        {content}
      </main>
      <div class="live" aria-live="polite" role="status">
        {announcement}
      </div>
      <footer>
        <p>{t('app.footer')}</p>
      </footer>
    </App.Provider>
  );
}

function LanguageSwitch({ lang, setLang }: { lang: Lang; setLang(lang: Lang): void }) {
  return (
    <div class="lang-switch" role="group" aria-label="Langue / Language">
      {LANGS.map((code) => (
        <button key={code} type="button" lang={code} aria-pressed={lang === code} onClick={() => setLang(code)}>
          {code === 'fr' ? 'Français' : 'English'}
        </button>
      ))}
    </div>
  );
}

function Header({ route }: { route: string }) {
  const { t, me, tenant, lang, setLang, signOut } = useApp();
  const menu = me ? menuFor(me, tenant) : [];
  const who = me?.user ? me.user.name || me.user.email : null;
  const roleLabel = me ? t(`role.${me.role}` as MessageKey) : '';
  return (
    <header class="top">
      <div class="bar">
        <a class="brand" href={href('/')} onClick={(event) => onLinkClick(event, '/')}>
          <span aria-hidden="true" class="logo">
            ⚙
          </span>{' '}
          {t('app.name')}
        </a>
        <LanguageSwitch lang={lang} setLang={setLang} />
      </div>
      {me ? (
        <div class="session">
          <p class="who">
            {t('app.signedInAs')} <strong>{who ?? roleLabel}</strong>
            <span class="role">
              {' '}
              · {roleLabel}
              {tenant ? ` · ${tenant.name}` : ''}
            </span>
          </p>
          <button type="button" class="link" onClick={() => void signOut()}>
            {t('app.signOut')}
          </button>
        </div>
      ) : null}
      {menu.length > 0 ? (
        <nav aria-label={t('app.menu')}>
          <ul>
            {menu.map(([path, key]) => {
              const current = route === path || (path !== '/' && route.startsWith(`${path}/`) && !menu.some(([other]) => other !== path && other.startsWith(path) && route.startsWith(other)));
              return (
                <li key={path}>
                  <a href={href(path)} aria-current={current ? 'page' : undefined} onClick={(event) => onLinkClick(event, path)}>
                    {t(key)}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
      ) : null}
    </header>
  );
}
