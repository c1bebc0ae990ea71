import { parseSellerSettings, sellerEnvironment, sellerFields, sellerIdentity, sellerIssues, type SellerIdentity, type SellerSettings } from '../shared/billing/seller.js';

/**
 * The seller's identity of a stage, from the CDK context's `seller` object: in cdk.json
 * (`"context": { "seller": { "siret": "…", … } }`) or on the command line as JSON
 * (`-c seller='{"siret":"…","vatNumber":"…"}'`). Unknown keys fail the synthesis.
 */
export function sellerSettingsFromContext(value: unknown): SellerSettings {
  if (value === undefined || value === null || value === '') return {};
  return parseSellerSettings(value, 'The context value seller');
}

/**
 * The identity the functions will compute from these variables (configuration's defaults where
 * one is not given): read through the same code, with the environment of the synthesizing shell
 * set aside meanwhile so that a local `BILLING_SELLER_*` does not hide a missing context value.
 */
export function sellerIdentityOf(environment: Readonly<Record<string, string>>): SellerIdentity {
  const names = [...Object.values(sellerFields).map((field) => field.variable), 'HUB_NAME'];
  const saved = new Map(names.map((name) => [name, process.env[name]]));
  try {
    for (const name of names) delete process.env[name];
    Object.assign(process.env, environment);
    return sellerIdentity();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** What is wrong with the identity these settings give, in the context's own terms (`seller.iban is missing`). */
export function sellerContextProblems(settings: SellerSettings): string[] {
  return sellerIssues(sellerIdentityOf(sellerEnvironment(settings))).map((issue) => `seller.${issue.field}: ${issue.message}`);
}
