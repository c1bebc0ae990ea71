/**
 * Configuration read from the environment. Getters, not constants: the local runtime sets the
 * environment before the first request, after some modules are already loaded.
 */
function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** A whole number from the environment, at least `min`; a value that is not one is a configuration error. */
function intEnv(name: string, fallback: number, min: number): number {
  const raw = env(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, got '${raw}'.`);
  return value;
}

export const config = {
  get tableName(): string {
    return env('TABLE_NAME') ?? 'delivery-hub';
  },
  get eventBusName(): string {
    return env('EVENT_BUS_NAME') ?? 'delivery-hub';
  },
  get publicBaseUrl(): string {
    return (env('PUBLIC_BASE_URL') ?? 'http://localhost:3000').replace(/\/+$/, '');
  },
  /** A bootstrap admin key given by the environment (local runtime; never set in AWS). */
  get hubAdminApiKey(): string | undefined {
    return env('HUB_ADMIN_API_KEY');
  },
  get stage(): string {
    return env('STAGE') ?? 'local';
  },
  /** True when running in the local runtime, where developer conveniences apply. */
  get isLocal(): boolean {
    return env('DELIVERY_HUB_LOCAL') === 'true';
  },
  /** The cooperative's name, shown on the tracking page and in recipients' e-mails. */
  get hubName(): string {
    return env('HUB_NAME') ?? 'Coopérative des coursiers à vélo de Saint-Étienne';
  },
  /**
   * The hub's short code, printed in every parcel label's code (`STE:dlv_…:1`): a scanner at this
   * hub refuses another hub's labels by it. Two to eight capital letters or digits.
   */
  get hubCode(): string {
    const value = env('HUB_CODE') ?? 'STE';
    if (!/^[A-Z0-9]{2,8}$/.test(value)) throw new Error(`HUB_CODE must be 2 to 8 capital letters or digits, got '${value}'.`);
    return value;
  },
  /** The dispatch board's map tiles: an `{z}/{x}/{y}` URL template, and its attribution. Unset: no tiles (markers and outlines only). */
  get mapTileUrl(): string | null {
    return env('MAP_TILE_URL') ?? null;
  },
  get mapTileAttribution(): string | null {
    return env('MAP_TILE_ATTRIBUTION') ?? null;
  },
  /** Days a tracking link keeps working after the delivery ends (delivered, failed or cancelled). */
  get trackingRetentionDays(): number {
    return intEnv('TRACKING_RETENTION_DAYS', 30, 0);
  },
  /** Public tracking requests per minute, per tracking link and per client address. */
  get trackingRateLimitPerToken(): number {
    return intEnv('TRACKING_RATE_LIMIT_PER_TOKEN', 60, 1);
  },
  get trackingRateLimitPerIp(): number {
    return intEnv('TRACKING_RATE_LIMIT_PER_IP', 120, 1);
  },
  /** `ses` sends recipients' e-mails with Amazon SES; `outbox` (the default) keeps them in the table. */
  get notifier(): 'ses' | 'outbox' {
    const value = env('NOTIFIER') ?? 'outbox';
    if (value !== 'ses' && value !== 'outbox') throw new Error(`NOTIFIER must be 'ses' or 'outbox', got '${value}'.`);
    return value;
  },
  /** The sender of recipients' e-mails through SES (a verified identity). */
  get sesFromAddress(): string | undefined {
    return env('SES_FROM_ADDRESS');
  },
  /** Billing goes to Stripe when set (in AWS, injected from Secrets Manager); stays in the ledger otherwise. */
  get stripeSecretKey(): string | undefined {
    return env('STRIPE_SECRET_KEY');
  },
  /** Verifies `Stripe-Signature` on `POST /v1/stripe/webhook`; without it every webhook is refused. */
  get stripeWebhookSecret(): string | undefined {
    return env('STRIPE_WEBHOOK_SECRET');
  },
  /** A Stripe-compatible server for tests (`http://127.0.0.1:12111`); Stripe's own when unset. */
  get stripeApiBase(): string | undefined {
    return env('STRIPE_API_BASE');
  },
  /**
   * Who issues the invoices, and the accounts of the FEC export (French chart of accounts). The
   * seller's identity is checked, and refused in prod while it holds placeholders, by
   * `shared/billing/seller.ts`; in AWS the stack sets these variables from `-c seller=…`.
   */
  get billing() {
    const legalForm = env('BILLING_SELLER_LEGAL_FORM') ?? null;
    const capital = env('BILLING_SELLER_CAPITAL') ?? null;
    const rcs = env('BILLING_SELLER_RCS') ?? null;
    const line2 = env('BILLING_SELLER_ADDRESS_LINE2');
    // The legal mentions of the invoices: as given, else made of the legal form, the share capital
    // and the RCS registration ("SCOP SARL au capital de 10 000 €, RCS Saint-Étienne 123 456 789").
    const form = legalForm === null ? null : capital === null || legalForm.includes(capital) ? legalForm : `${legalForm} ${/^\d/.test(capital) ? `au capital de ${capital}` : capital}`;
    const composedMentions = [form, rcs].filter((part) => part !== null).join(', ');
    return {
      seller: {
        name: env('BILLING_SELLER_NAME') ?? env('HUB_NAME') ?? 'Coopérative des coursiers à vélo de Saint-Étienne',
        address: {
          line1: env('BILLING_SELLER_ADDRESS_LINE1') ?? '12 rue de la Résistance',
          ...(line2 === undefined ? {} : { line2 }),
          postcode: env('BILLING_SELLER_POSTCODE') ?? '42000',
          city: env('BILLING_SELLER_CITY') ?? 'Saint-Étienne',
          country: env('BILLING_SELLER_COUNTRY') ?? 'FR',
        },
        siret: env('BILLING_SELLER_SIRET') ?? '000 000 000 00000',
        vatNumber: env('BILLING_SELLER_VAT_NUMBER') ?? 'FR00000000000',
        legalMentions: env('BILLING_SELLER_LEGAL_MENTIONS') ?? (composedMentions || 'SCIC SAS à capital variable, RCS Saint-Étienne'),
        email: env('BILLING_SELLER_EMAIL') ?? null,
      },
      /** The rest of the seller's identity, null where not configured (the SIREN then derives from the SIRET). */
      sellerRegistration: {
        siren: env('BILLING_SELLER_SIREN') ?? null,
        legalForm,
        capital,
        rcs,
        iban: env('BILLING_SELLER_IBAN') ?? null,
        bic: env('BILLING_SELLER_BIC') ?? null,
      },
      invoicePrefix: env('BILLING_INVOICE_PREFIX') ?? 'F',
      creditNotePrefix: env('BILLING_CREDIT_NOTE_PREFIX') ?? 'A',
      bankAccount: env('BILLING_ACCOUNT_BANK') ?? '512',
      bankJournalCode: env('BILLING_BANK_JOURNAL_CODE') ?? 'BQ',
      bankJournalLabel: env('BILLING_BANK_JOURNAL_LABEL') ?? 'Banque',
      paymentTermsDays: intEnv('BILLING_PAYMENT_TERMS_DAYS', 30, 0),
      customerAccount: env('BILLING_ACCOUNT_CUSTOMERS') ?? '411',
      revenueAccount: env('BILLING_ACCOUNT_REVENUE') ?? '706',
      vatAccount: env('BILLING_ACCOUNT_VAT') ?? '44571',
      journalCode: env('BILLING_JOURNAL_CODE') ?? 'VE',
      journalLabel: env('BILLING_JOURNAL_LABEL') ?? 'Ventes',
    };
  },
};

/** The event source of every event this system puts on the bus. */
export const EVENT_SOURCE = 'delivery-hub';
