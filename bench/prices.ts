/**
 * Published on-demand prices the cost section multiplies the measured counts by. Looked up by
 * hand (not fetched by the bench: it runs offline), with where each number comes from. The
 * stack deploys to eu-west-3 (Paris); AWS's pricing pages render their per-region tables in the
 * browser, and no Paris figure could be retrieved for these services from the sources at hand,
 * so the prices are the published US East (N. Virginia) ones — which is said wherever they show.
 * Update them here (and `PRICES_LOOKED_UP`) when AWS changes them.
 */

/** When these prices were looked up. */
export const PRICES_LOOKED_UP = '2026-11-26';
/** The region the stack deploys to. */
export const TARGET_REGION = 'eu-west-3 (Europe, Paris)';
/** The region the prices below are published for. */
export const PRICE_REGION = 'us-east-1 (US East, N. Virginia)';

export interface Price {
  /** USD for `per` units. */
  usd: number;
  per: number;
  unit: string;
  /** What the price is, in words, as published. */
  text: string;
  source: string;
}

export const prices = {
  dynamoDbWrite: {
    usd: 0.625,
    per: 1e6,
    unit: 'write request units',
    text: '$0.625 per million write request units (on-demand, Standard table class)',
    source:
      'Units: https://aws.amazon.com/dynamodb/pricing/on-demand/ ; rate after the 1 November 2024 on-demand price reduction (US East), as quoted by ' +
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing (21 July 2025)',
  },
  dynamoDbRead: {
    usd: 0.125,
    per: 1e6,
    unit: 'read request units',
    text: '$0.125 per million read request units (on-demand, Standard table class)',
    source: 'as above',
  },
  dynamoDbStreamsForLambda: {
    usd: 0,
    per: 1,
    unit: 'stream reads',
    text: 'free: GetRecords calls made by Lambda for a DynamoDB trigger are not charged',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (DynamoDB Streams)',
  },
  lambdaRequests: {
    usd: 0.2,
    per: 1e6,
    unit: 'invocations',
    text: '$0.20 per million requests',
    source: 'https://aws.amazon.com/lambda/pricing/ ; rate as quoted by https://cloudchipr.com/blog/aws-lambda-pricing (US East)',
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    per: 1,
    unit: 'GB-seconds (arm64)',
    text: '$0.0000133334 per GB-second, arm64, first 7.5 billion GB-seconds a month',
    source:
      'https://aws.amazon.com/lambda/pricing/ ; rate as quoted by https://cloudchipr.com/blog/aws-lambda-pricing (US East). The price table of ' +
      'artillery 2.0.28 (lib/platform/aws-lambda/prices.js) lists eu-west-3 at this base rate too',
  },
  apiGatewayHttp: {
    usd: 1.0,
    per: 1e6,
    unit: 'HTTP API requests',
    text: '$1.00 per million HTTP API requests (first 300 million a month; metered by 512 KB)',
    source:
      'https://aws.amazon.com/api-gateway/pricing/ (worked example, US regions), as transcribed 2026-09-20 in ' +
      'https://raw.githubusercontent.com/api-evangelist/amazon-web-services/refs/heads/main/plans/amazon-web-services-plans-pricing.yml',
  },
  eventBridgeCustomEvents: {
    usd: 1.0,
    per: 1e6,
    unit: 'custom events (64 KB chunks)',
    text: '$1.00 per million custom events published (each 64 KB chunk of a payload is one event)',
    source: 'https://aws.amazon.com/eventbridge/pricing/ (chunking); rate (US East, March 2026) from https://cloudburn.io/blog/amazon-eventbridge-pricing',
  },
  eventBridgeArchive: {
    usd: 0.1,
    per: 2 ** 30,
    unit: 'bytes archived',
    text: '$0.10 per GB of events archived (processing; storage $0.023 per GB-month besides)',
    source: 'https://cloudburn.io/blog/amazon-eventbridge-pricing (US East, March 2026)',
  },
  sesOutbound: {
    usd: 0.1,
    per: 1000,
    unit: 'e-mails',
    text: '$0.10 per 1,000 outbound e-mails (à la carte, $0.0001 per recipient); $0.16 per 1,000 on the Essentials plan, the default for accounts new to SES since 21 July 2026',
    source:
      'https://aws.amazon.com/ses/pricing/ ; AWS Price List for AmazonSES us-east-1 (publication 2026-07-22), as transcribed 2026-08-13 in ' +
      'https://raw.githubusercontent.com/api-evangelist/amazon-ses/refs/heads/main/plans/amazon-ses-plans-pricing.yml',
  },
} as const satisfies Record<string, Price>;

/** The cost of `quantity` units at `price`, in USD. */
export const costOf = (price: Price, quantity: number) => (quantity / price.per) * price.usd;
