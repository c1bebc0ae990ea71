import { isIPv4, isIPv6 } from 'node:net';

/**
 * An Amazon EventBridge event-pattern engine: validates patterns as PutRule/TestEventPattern do and
 * matches events the way EventBridge does, so the local bus routes exactly like the deployed rules.
 *
 * Sources: the EventBridge user guide ("Creating Amazon EventBridge event patterns", "Comparison operators
 * for use in event patterns", "Matching null values and empty strings", "Arrays in event patterns") and, where
 * the guide is silent, aws/event-ruler (the open-source matcher EventBridge runs), whose error texts we reuse.
 */

/** Thrown for a pattern EventBridge would reject; `name` and message mirror the AWS error. */
export class InvalidEventPatternError extends Error {
  readonly reason: string;

  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.name = 'InvalidEventPatternException';
    this.reason = reason;
  }
}

type JsonScalar = string | number | boolean | null;
interface Bound { value: number; inclusive: boolean }
interface IpRange { family: 4 | 6; bottom: bigint; top: bigint }

/** One alternative of a leaf's array: the array is an OR of these. */
type Matcher =
  | { kind: 'exact'; value: JsonScalar }
  | { kind: 'prefix' | 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; regex: RegExp }
  | { kind: 'numeric'; lower?: Bound; upper?: Bound }
  | { kind: 'cidr'; range: IpRange }
  | { kind: 'exists'; present: boolean }
  // anything-but is the negation of a set of value matchers: it matches a present value none of them match.
  | { kind: 'anything-but'; excluded: Matcher[] };

type FieldRule =
  | { key: string; kind: 'leaf'; matchers: Matcher[] }
  | { key: string; kind: 'nested'; node: PatternNode };

/** An object level of the pattern: every field must match (AND), and one `$or` branch if `$or` is present. */
interface PatternNode { fields: FieldRule[]; anyOf?: PatternNode[] }

/** AWS documents numeric matching only between -5.0e9 and +5.0e9; event-ruler rejects operands outside it. */
const NUMERIC_LIMIT = 5e9;

/** Field names event-ruler refuses inside `$or` branches, so that `$or` cannot be confused with an operator. */
const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  'html', '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case', 'date-after',
  'date-on-or-after', 'date-before', 'date-on-or-before', 'in-date-range', 'ip-address-in-range',
  'ip-address-not-in-range',
]);

const ANYTHING_BUT_OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'] as const;
type AnythingButOperator = (typeof ANYTHING_BUT_OPERATORS)[number];

function invalid(reason: string): never {
  throw new InvalidEventPatternError(reason);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJsonScalar(value: unknown): value is JsonScalar {
  return typeof value === 'string' || typeof value === 'boolean' || value === null || isFiniteNumber(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Renders a pattern token for an error message; a missing token is the array's end, as the JSON parser sees it. */
function describeToken(value: unknown): string {
  return value === undefined ? ']' : JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Compilation (validation): turns the JSON pattern into matchers, throwing as AWS does on anything it rejects.
// ---------------------------------------------------------------------------------------------------------------

function compilePattern(pattern: unknown): PatternNode {
  const parsed = typeof pattern === 'string' ? parseJson(pattern) : pattern;
  if (!isRecord(parsed)) invalid('Filter is not an object');
  return compileObject(parsed, false);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return invalid(error instanceof Error ? error.message : 'Filter is not valid JSON');
  }
}

function compileObject(object: Record<string, unknown>, insideOr: boolean): PatternNode {
  const keys = Object.keys(object);
  if (keys.length === 0) invalid('Empty objects are not allowed');
  const node: PatternNode = { fields: [] };
  for (const key of keys) {
    const value = object[key];
    if (key === '$or') {
      node.anyOf = compileOr(value);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      invalid(`${key} is Ruler reserved fieldName which cannot be used inside $or.`);
    }
    if (Array.isArray(value)) node.fields.push({ key, kind: 'leaf', matchers: compileLeaf(value) });
    else if (isRecord(value)) node.fields.push({ key, kind: 'nested', node: compileObject(value, insideOr) });
    else invalid(`"${key}" must be an object or an array`);
  }
  return node;
}

function compileOr(value: unknown): PatternNode[] {
  if (!Array.isArray(value)) invalid('It must be an Array followed with $or.');
  const branches = value.map((branch) =>
    isRecord(branch) ? compileObject(branch, true) : invalid('Only JSON object is allowed in array of $or relationship.'),
  );
  if (branches.length < 2) invalid('There must have at least 2 Objects in $or relationship.');
  return branches;
}

function compileLeaf(values: unknown[]): Matcher[] {
  if (values.length === 0) invalid('Empty arrays are not allowed');
  return values.map((value): Matcher => {
    if (isJsonScalar(value)) return { kind: 'exact', value };
    if (isRecord(value)) return compileOperator(value);
    return invalid('Match value must be String, number, true, false, or null');
  });
}

/** Reads the single `{ operator: operand }` entry of a match expression. */
function singleEntry(object: Record<string, unknown>, missing: string): [string, unknown] {
  const entries = Object.entries(object);
  const first = entries[0];
  if (first === undefined) return invalid(missing);
  if (entries.length > 1) invalid('Only one key allowed in match expression');
  return first;
}

function compileOperator(expression: Record<string, unknown>): Matcher {
  const [operator, operand] = singleEntry(expression, 'Match expression name not found');
  switch (operator) {
    case 'prefix':
    case 'suffix':
      if (isRecord(operand)) return { kind: operator, value: compileIgnoreCaseOperand(operator, operand), ignoreCase: true };
      return { kind: operator, value: requireString(operand, `${operator} match pattern must be a string`), ignoreCase: false };
    case 'equals-ignore-case':
      return { kind: operator, value: requireString(operand, 'equals-ignore-case match pattern must be a string') };
    case 'wildcard':
      return { kind: operator, regex: compileWildcard(requireString(operand, 'wildcard match pattern must be a string')) };
    case 'numeric':
      return compileNumeric(operand);
    case 'anything-but':
      return { kind: operator, excluded: compileAnythingBut(operand) };
    case 'exists':
      if (typeof operand !== 'boolean') invalid('exists match pattern must be either true or false.');
      return { kind: operator, present: operand };
    case 'cidr':
      return { kind: operator, range: compileCidr(requireString(operand, 'cidr match pattern must be a string')) };
    default:
      return invalid(`Unrecognized match type ${operator}`);
  }
}

function requireString(value: unknown, reason: string): string {
  return typeof value === 'string' ? value : invalid(reason);
}

/** `{"prefix": {"equals-ignore-case": "x"}}` and the same for suffix: the only nested form they accept. */
function compileIgnoreCaseOperand(operator: 'prefix' | 'suffix', operand: Record<string, unknown>): string {
  const label = operator === 'prefix' ? 'Prefix' : 'Suffix';
  const [inner, value] = singleEntry(operand, `${label} expression name not found`);
  if (inner !== 'equals-ignore-case') invalid(`Unsupported ${operator} pattern: ${inner}`);
  return requireString(value, 'equals-ignore-case match pattern must be a string');
}

/** Grammar (event-ruler): ["=", n] | ["<"|"<=", n] | [">"|">=", n] | [">"|">=", n, "<"|"<=", m] with n < m. */
function compileNumeric(operand: unknown): Matcher {
  if (!Array.isArray(operand)) return invalid('Value of numeric must be an array.');
  const [operator, value, upperOperator, upperValue] = operand;
  if (typeof operator !== 'string') return invalid(`Invalid member in numeric match: ${describeToken(operator)}`);
  const bound = (op: string, raw: unknown): Bound => ({ value: numericOperand(op, raw), inclusive: op.endsWith('=') });
  switch (operator) {
    case '=': {
      const exact = { value: numericOperand('equals', value), inclusive: true };
      if (operand.length > 2) invalid('Too many elements in numeric expression');
      return { kind: 'numeric', lower: exact, upper: exact };
    }
    case '<':
    case '<=':
      if (operand.length > 2) invalid('Too many elements in numeric expression');
      return { kind: 'numeric', upper: bound(operator, value) };
    case '>':
    case '>=': {
      const lower = bound(operator, value);
      if (operand.length === 2) return { kind: 'numeric', lower };
      if (typeof upperOperator !== 'string') return invalid(`Bad value in numeric range: ${describeToken(upperOperator)}`);
      if (upperOperator !== '<' && upperOperator !== '<=') return invalid(`Bad numeric range operator: ${upperOperator}`);
      const upper = bound(upperOperator, upperValue);
      if (operand.length > 4) invalid('Too many terms in numeric range expression');
      if (lower.value >= upper.value) invalid('Bottom must be less than top');
      return { kind: 'numeric', lower, upper };
    }
    default:
      return invalid(`Unrecognized numeric range operator: ${operator}`);
  }
}

function numericOperand(operator: string, value: unknown): number {
  if (!isFiniteNumber(value)) return invalid(`Value of ${operator} must be numeric`);
  return checkNumericRange(value);
}

function checkNumericRange(value: number): number {
  if (Math.abs(value) > NUMERIC_LIMIT) {
    invalid(`Value must be between ${-NUMERIC_LIMIT} and ${NUMERIC_LIMIT}, inclusive`);
  }
  return value;
}

/** anything-but takes a value, a list of values, or one of prefix/suffix/equals-ignore-case/wildcard (or a list). */
function compileAnythingBut(operand: unknown): Matcher[] {
  if (typeof operand === 'string') return [{ kind: 'exact', value: operand }];
  if (isFiniteNumber(operand)) return [{ kind: 'exact', value: checkNumericRange(operand) }];
  if (Array.isArray(operand)) return compileAnythingButList(operand);
  if (!isRecord(operand)) return invalid('Value of anything-but must be an array or single string/number value.');
  const [operator, inner] = singleEntry(operand, 'Anything-But expression name not found');
  if (!isAnythingButOperator(operator)) return invalid(`Unsupported anything-but pattern: ${operator}`);
  if (typeof inner !== 'string' && !Array.isArray(inner) && !isFiniteNumber(inner)) {
    return invalid('Value of anything-but must be an array or single string/number value.');
  }
  const values = Array.isArray(inner) ? inner : [inner];
  if (values.length === 0) invalid('Empty arrays are not allowed');
  return values.map((value) => compileAnythingButOperand(operator, value));
}

function isAnythingButOperator(operator: string): operator is AnythingButOperator {
  return (ANYTHING_BUT_OPERATORS as readonly string[]).includes(operator);
}

function compileAnythingButOperand(operator: AnythingButOperator, value: unknown): Matcher {
  switch (operator) {
    case 'equals-ignore-case': {
      const reason = 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.';
      return { kind: operator, value: requireString(value, reason) };
    }
    case 'wildcard':
      return { kind: operator, regex: compileWildcard(requireString(value, 'wildcard match pattern must be a string')) };
    case 'prefix':
    case 'suffix': {
      const text = requireString(value, 'prefix/suffix match pattern must be a string');
      if (text === '') invalid('Null prefix/suffix not allowed');
      return { kind: operator, value: text, ignoreCase: false };
    }
  }
}

/** A plain anything-but list must hold only strings or only numbers (and at least one of them). */
function compileAnythingButList(values: unknown[]): Matcher[] {
  const strings = values.every((value) => typeof value === 'string');
  const numbers = values.every(isFiniteNumber);
  if (values.length === 0 || (!strings && !numbers)) {
    const scalarsOnly = values.every((value) => typeof value === 'string' || isFiniteNumber(value));
    invalid(scalarsOnly
      ? 'Inside anything but list, either all values are number or string, mixed type is not supported'
      : 'Inside anything but list, start|null|boolean is not supported.');
  }
  return values.map((value): Matcher => {
    if (isFiniteNumber(value)) return { kind: 'exact', value: checkNumericRange(value) };
    return { kind: 'exact', value: requireString(value, 'Inside anything but list, start|null|boolean is not supported.') };
  });
}

/** `*` matches any run of characters (even none); `\*` is a literal star and `\\` a literal backslash. */
function compileWildcard(pattern: string): RegExp {
  let source = '';
  let previousWasWildcard = false;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern.charAt(index);
    if (char === '*') {
      if (previousWasWildcard) invalid(`Consecutive wildcard characters at pos ${index}`);
      source += '.*';
      previousWasWildcard = true;
      continue;
    }
    previousWasWildcard = false;
    if (char === '\\') {
      const escaped = pattern.charAt(index + 1);
      if (escaped !== '*' && escaped !== '\\') invalid(`Invalid escape character at pos ${index}`);
      source += escapeRegExp(escaped);
      index++;
      continue;
    }
    source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Mirrors event-ruler's CIDR: the range runs from the given address up to it with all host bits set, and a
 * full-length mask (/32, /128) is rejected there, so it is rejected here too.
 */
function compileCidr(cidr: string): IpRange {
  const parts = cidr.split('/');
  const [address, bits] = parts;
  if (parts.length !== 2 || address === undefined || bits === undefined) invalid("Malformed CIDR, one '/' required");
  if (!/^[+-]?\d+$/.test(bits)) invalid('Malformed CIDR, mask bits must be an integer');
  const maskBits = Number(bits);
  if (maskBits < 0) invalid('Malformed CIDR, mask bits must not be negative');
  const ip = parseIp(address) ?? invalid(`Nonstandard IP address: ${address}`);
  const width = ip.family === 4 ? 32 : 128;
  if (maskBits >= width) invalid(`IPv${ip.family} mask bits must be < ${width}`);
  const hostMask = (1n << BigInt(width - maskBits)) - 1n;
  return { family: ip.family, bottom: ip.value, top: ip.value | hostMask };
}

function parseIp(text: string): { family: 4 | 6; value: bigint } | undefined {
  if (isIPv4(text)) return { family: 4, value: ipv4ToBigInt(text) };
  if (isIPv6(text)) return { family: 6, value: ipv6ToBigInt(text) };
  return undefined;
}

function ipv4ToBigInt(text: string): bigint {
  return text.split('.').reduce((total, octet) => (total << 8n) + BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(text: string): bigint {
  const address = text.split('%')[0] ?? text; // a zone index (fe80::1%eth0) does not change the address
  const [head = '', tail] = address.split('::');
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':').flatMap(expandEmbeddedIpv4));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].reduce((total, group) => (total << 16n) + BigInt(parseInt(group, 16)), 0n);
}

/** `::ffff:10.0.0.1` ends in dotted IPv4, which stands for the last two 16-bit groups. */
function expandEmbeddedIpv4(group: string): string[] {
  if (!group.includes('.')) return [group];
  const value = ipv4ToBigInt(group);
  return [(value >> 16n).toString(16), (value & 0xffffn).toString(16)];
}

// ---------------------------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------------------------

function matchesNode(node: PatternNode, event: Record<string, unknown>): boolean {
  const fieldsMatch = node.fields.every((field) => matchesField(field, event[field.key]));
  return fieldsMatch && (node.anyOf === undefined || node.anyOf.some((branch) => matchesNode(branch, event)));
}

function matchesField(field: FieldRule, value: unknown): boolean {
  if (field.kind === 'nested') {
    // Within an array of objects all the fields must match in the same element (event-ruler's
    // array-consistent matching); a missing or scalar value is an empty object, where only exists:false matches.
    return objectCandidates(value).some((candidate) => matchesNode(field.node, candidate));
  }
  const values = leafValues(value);
  return field.matchers.some((matcher) =>
    matcher.kind === 'exists' ? matcher.present === values.length > 0 : values.some((leaf) => matchesValue(matcher, leaf)),
  );
}

function objectCandidates(value: unknown): Record<string, unknown>[] {
  if (isRecord(value)) return [value];
  const objects = Array.isArray(value) ? value.flat(Infinity).filter(isRecord) : [];
  return objects.length > 0 ? objects : [{}];
}

/**
 * The scalar values of an event field; an empty list means the field is absent as a leaf. Arrays match if any
 * element matches (docs: "the intersection ... is non-empty"), objects are not leaves, and `[]` holds no value.
 */
function leafValues(value: unknown): JsonScalar[] {
  if (Array.isArray(value)) return value.flat(Infinity).filter(isJsonScalar);
  return isJsonScalar(value) ? [value] : [];
}

function matchesValue(matcher: Matcher, value: JsonScalar): boolean {
  switch (matcher.kind) {
    case 'exact':
      return value === matcher.value;
    case 'prefix':
    case 'suffix':
      return typeof value === 'string' && matchesAffix(matcher.kind, matcher.value, value, matcher.ignoreCase);
    case 'equals-ignore-case':
      return typeof value === 'string' && foldCase(value) === foldCase(matcher.value);
    case 'wildcard':
      return typeof value === 'string' && matcher.regex.test(value);
    case 'numeric':
      return typeof value === 'number' && withinBounds(value, matcher.lower, matcher.upper);
    case 'cidr':
      return typeof value === 'string' && withinIpRange(value, matcher.range);
    case 'anything-but':
      // Per value, as event-ruler evaluates each array element on its own: see the report on arrays.
      return !matcher.excluded.some((excluded) => matchesValue(excluded, value));
    case 'exists':
      return false; // decided per field in matchesField, never per value
  }
}

function matchesAffix(kind: 'prefix' | 'suffix', affix: string, value: string, ignoreCase: boolean): boolean {
  const [text, part] = ignoreCase ? [foldCase(value), foldCase(affix)] : [value, affix];
  return kind === 'prefix' ? text.startsWith(part) : text.endsWith(part);
}

function foldCase(text: string): string {
  return text.toLowerCase();
}

function withinBounds(value: number, lower: Bound | undefined, upper: Bound | undefined): boolean {
  const aboveLower = lower === undefined || (lower.inclusive ? value >= lower.value : value > lower.value);
  const belowUpper = upper === undefined || (upper.inclusive ? value <= upper.value : value < upper.value);
  return aboveLower && belowUpper;
}

function withinIpRange(text: string, range: IpRange): boolean {
  const ip = parseIp(text);
  return ip !== undefined && ip.family === range.family && ip.value >= range.bottom && ip.value <= range.top;
}

// ---------------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------------

/** Throws InvalidEventPatternError if EventBridge would reject the pattern (an object or its JSON text). */
export function validateEventPattern(pattern: unknown): void {
  compilePattern(pattern);
}

export function isValidEventPattern(pattern: unknown): boolean {
  try {
    compilePattern(pattern);
    return true;
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return false;
    throw error;
  }
}

/**
 * Whether the event (the whole envelope: source, detail-type, detail, account, region, resources, ...) matches
 * the pattern. Validates the pattern first and throws InvalidEventPatternError like TestEventPattern does.
 * A string event is parsed as JSON (a SyntaxError if it is not); an event that is not an object matches nothing.
 */
export function matchesEventPattern(pattern: object | string, event: unknown): boolean {
  const compiled = compilePattern(pattern);
  const parsedEvent: unknown = typeof event === 'string' ? JSON.parse(event) : event;
  return isRecord(parsedEvent) && matchesNode(compiled, parsedEvent);
}
