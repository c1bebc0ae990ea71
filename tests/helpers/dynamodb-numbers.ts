import { marshall } from '@aws-sdk/util-dynamodb';

/**
 * The oracle, written from DynamoDB's documented limits rather than from the code under test:
 * the SDK must marshal the value (it refuses NaN, ±Infinity and anything beyond 2^53), and the
 * decimal it sends must be 0 or have a magnitude from 1E-130 to 9.99…9E+125 (38 nines), with at
 * most 38 significant digits.
 */
export function dynamoDbStores(value: number): boolean {
  let sent: string;
  try {
    const attribute = marshall({ value }).value;
    if (attribute?.N === undefined) return false;
    sent = attribute.N;
  } catch {
    return false;
  }
  return decimalFits(sent);
}

export function decimalFits(decimal: string): boolean {
  const match = /^-?(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(decimal);
  if (!match) return false;
  const [, whole = '', fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  const leadingZeros = digits.length - digits.replace(/^0+/, '').length;
  const significant = digits.replace(/^0+/, '').replace(/0+$/, '');
  if (significant === '') return true;
  // The value is d.ddd… × 10^magnitude.
  const magnitude = whole.length + Number(exponent) - leadingZeros - 1;
  return significant.length <= 38 && magnitude >= -130 && magnitude <= 125;
}

/** Where a JSON-like value holds a number DynamoDB cannot store (`dropoff.address.lat`), if anywhere. */
export function unstorableNumbersIn(value: unknown, where = ''): string[] {
  if (typeof value === 'number') return dynamoDbStores(value) ? [] : [where];
  if (Array.isArray(value)) return value.flatMap((item, index) => unstorableNumbersIn(item, `${where}[${index}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => unstorableNumbersIn(item, where === '' ? key : `${where}.${key}`));
  return [];
}
