import type * as z from 'zod';
import { AppError } from '../errors.js';

/** `dropoff.address.lat`, `parcels[0].weightKg`: the contract's way of naming a field. */
export function formatParam(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    return out === '' ? String(part) : `${out}.${String(part)}`;
  }, '');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

function describeIssue(issue: z.core.$ZodIssue, param: string): string {
  const subject = param === '' ? 'The request body' : param;
  switch (issue.code) {
    case 'invalid_type':
      return `${subject} must be ${issue.expected === 'array' || issue.expected === 'object' ? 'an' : 'a'} ${issue.expected}.`;
    case 'too_small':
      return issue.origin === 'string'
        ? `${subject} must have at least ${String(issue.minimum)} character(s).`
        : issue.origin === 'array'
          ? `${subject} must have at least ${String(issue.minimum)} item(s).`
          : `${subject} must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}.`;
    case 'too_big':
      return issue.origin === 'string'
        ? `${subject} must have at most ${String(issue.maximum)} character(s).`
        : issue.origin === 'array'
          ? `${subject} must have at most ${String(issue.maximum)} item(s).`
          : `${subject} must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}.`;
    case 'invalid_value':
      return `${subject} must be one of: ${issue.values.map((value) => JSON.stringify(value)).join(', ')}.`;
    case 'invalid_format':
      return issue.format === 'regex' ? `${subject} ${issue.message}.` : `${subject} must be a valid ${issue.format}.`;
    case 'custom':
      return `${subject} ${issue.message}.`;
    case 'not_multiple_of':
      return `${subject} must be a multiple of ${String(issue.divisor)}.`;
    default:
      return `${subject}: ${issue.message}.`;
  }
}

/**
 * Maps the first zod issue to the contract's 400: `unknown_parameter` for a field we do not
 * know, `parameter_missing` for an absent required one, `parameter_invalid` otherwise; `param`
 * names the field.
 */
export function validationError(error: z.ZodError, input: unknown): AppError {
  return issueError(error.issues, input);
}

/**
 * For a union ("book a quote" or "price and book"), the branch the caller most likely meant is
 * the one with the fewest problems; its first problem is the answer.
 */
function closestBranch(issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue[] {
  const branches = issue.errors.filter((branch) => branch.length > 0);
  const best = branches.reduce<z.core.$ZodIssue[] | undefined>((chosen, branch) => (chosen === undefined || branch.length < chosen.length ? branch : chosen), undefined);
  return (best ?? []).map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }) as z.core.$ZodIssue);
}

function issueError(issues: readonly z.core.$ZodIssue[], input: unknown): AppError {
  const union = issues.find((candidate): candidate is z.core.$ZodIssueInvalidUnion => candidate.code === 'invalid_union' && candidate.errors.length > 0);
  if (union && issues.length === 1) {
    const branch = closestBranch(union);
    if (branch.length > 0) return issueError(branch, input);
  }
  // An unknown field first: it is usually a typo, and the "missing" error that comes with it
  // would send the caller the wrong way.
  const issue = issues.find((candidate) => candidate.code === 'unrecognized_keys') ?? issues[0];
  if (!issue) return new AppError('parameter_invalid', 'The request is not valid.');
  if (issue.code === 'unrecognized_keys') {
    const param = formatParam([...issue.path, issue.keys[0] ?? '']);
    return new AppError('unknown_parameter', `Unknown parameter: ${param}.`, { param });
  }
  const param = formatParam(issue.path);
  if (issue.code === 'invalid_type' && issue.path.length > 0 && valueAt(input, issue.path) === undefined) {
    return new AppError('parameter_missing', `${param} is required.`, { param });
  }
  return new AppError('parameter_invalid', describeIssue(issue, param), param === '' ? {} : { param });
}

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, input);
  return result.data;
}
