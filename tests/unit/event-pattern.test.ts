import { describe, it, expect } from 'vitest';
import {
  InvalidEventPatternError,
  isValidEventPattern,
  matchesEventPattern,
  validateEventPattern,
} from '../../shared/events/pattern.js';

/** The sample EC2 event of the user guide, used wherever a page matches against "the event above". */
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

/** Wraps a detail object in an envelope, as PutEvents delivers it. */
function withDetail(detail: Record<string, unknown>): Record<string, unknown> {
  return { ...ec2Event, detail };
}

function rejectionOf(pattern: unknown): string {
  try {
    validateEventPattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return error.message;
    throw error;
  }
  throw new Error('pattern was accepted');
}

// Docs: "Creating Amazon EventBridge event patterns" and "Event pattern syntax" (eb-event-patterns, eb-create-pattern).
describe('event pattern structure', () => {
  const terminated = {
    source: ['aws.ec2'],
    'detail-type': ['EC2 Instance State-change Notification'],
    detail: { state: ['terminated'] },
  };

  it('matches the EC2 instance-termination example', () => {
    expect(matchesEventPattern(terminated, ec2Event)).toBe(true);
  });

  it('requires every field of the pattern to match (AND)', () => {
    expect(matchesEventPattern(terminated, withDetail({ state: 'running' }))).toBe(false);
  });

  it('ignores event fields the pattern does not mention', () => {
    expect(matchesEventPattern({ region: ['us-west-1'] }, ec2Event)).toBe(true);
  });

  it('fails when a pattern field is missing from the event', () => {
    expect(matchesEventPattern({ detail: { 'c-count': ['5'] } }, ec2Event)).toBe(false);
  });

  it('requires the same nesting structure', () => {
    expect(matchesEventPattern({ state: ['terminated'] }, ec2Event)).toBe(false);
  });

  it('matches any value of a field array (OR): aws.ec2 or aws.fargate', () => {
    const pattern = { source: ['aws.ec2', 'aws.fargate'] };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern(pattern, { ...ec2Event, source: 'aws.fargate' })).toBe(true);
    expect(matchesEventPattern(pattern, { ...ec2Event, source: 'aws.s3' })).toBe(false);
  });

  it('matches strings character by character, without case folding', () => {
    expect(matchesEventPattern({ source: ['AWS.EC2'] }, ec2Event)).toBe(false);
  });

  it('treats field names as case-sensitive', () => {
    expect(matchesEventPattern({ Source: ['aws.ec2'] }, ec2Event)).toBe(false);
  });

  it('matches the envelope fields account, region and resources', () => {
    const pattern = { account: ['111122223333'], region: ['us-west-1'], resources: [ec2Event.resources[0]] };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
  });

  it('matches numbers: the Macie risk-score 80 with trigger risk 8', () => {
    const macie = { source: 'aws.macie', 'detail-type': 'Macie Alert', detail: { 'risk-score': 80, trigger: { risk: 8 } } };
    const pattern = { source: ['aws.macie'], detail: { 'risk-score': [80], trigger: { risk: [8] } } };
    expect(matchesEventPattern(pattern, macie)).toBe(true);
    expect(matchesEventPattern({ detail: { trigger: { risk: [9] } } }, macie)).toBe(false);
  });

  it('compares numbers by value: 300 matches 300.0 and 3.0e2 (as AWS answers TestEventPattern)', () => {
    // The guide says they are not equal, but EventBridge (event-ruler numericEquals) matches them; JSON.parse agrees.
    expect(matchesEventPattern('{"number": [300]}', '{"number": 300.0}')).toBe(true);
    expect(matchesEventPattern('{"number": [300]}', '{"number": 3.0e2}')).toBe(true);
  });

  it('never matches a number against a string, nor a boolean against its text', () => {
    expect(matchesEventPattern({ detail: { n: [300] } }, withDetail({ n: '300' }))).toBe(false);
    expect(matchesEventPattern({ detail: { n: ['300'] } }, withDetail({ n: 300 }))).toBe(false);
    expect(matchesEventPattern({ detail: { ok: [true] } }, withDetail({ ok: 'true' }))).toBe(false);
  });

  it('matches the JSON keywords true and false', () => {
    expect(matchesEventPattern({ detail: { ok: [true] } }, withDetail({ ok: true }))).toBe(true);
    expect(matchesEventPattern({ detail: { ok: [false] } }, withDetail({ ok: true }))).toBe(false);
  });

  it('accepts the pattern and the event as JSON text', () => {
    expect(matchesEventPattern(JSON.stringify(terminated), JSON.stringify(ec2Event))).toBe(true);
  });

  it('matches nothing when the event is not a JSON object', () => {
    expect(matchesEventPattern(terminated, null)).toBe(false);
    expect(matchesEventPattern(terminated, ['aws.ec2'])).toBe(false);
  });

  it('does not match a leaf pattern against an object-valued field', () => {
    expect(matchesEventPattern({ detail: ['terminated'] }, ec2Event)).toBe(false);
  });
});

// Docs: "Matching null values and empty strings in Amazon EventBridge event patterns" (eb-event-patterns-null-values).
describe('null values and empty strings', () => {
  const launch = {
    version: '0',
    id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
    'detail-type': 'EC2 Instance Launch Successful',
    source: 'aws.autoscaling',
    account: '123456789012',
    time: '2015-11-11T21:31:47Z',
    region: 'us-east-1',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  };

  it('matches an empty string with [""]', () => {
    expect(matchesEventPattern({ detail: { eventVersion: [''] } }, launch)).toBe(true);
  });

  it('matches null with [null]', () => {
    expect(matchesEventPattern({ detail: { responseElements: [null] } }, launch)).toBe(true);
  });

  it('does not treat null and "" as interchangeable', () => {
    expect(matchesEventPattern({ detail: { eventVersion: [null] } }, launch)).toBe(false);
    expect(matchesEventPattern({ detail: { responseElements: [''] } }, launch)).toBe(false);
  });

  it('does not match [null] against a missing field', () => {
    expect(matchesEventPattern({ detail: { absent: [null] } }, launch)).toBe(false);
  });

  it('does not match [null] against an empty array', () => {
    expect(matchesEventPattern({ resources: [null] }, launch)).toBe(false);
  });

  it('matches the full autoscaling example with source, detail-type and null', () => {
    const pattern = {
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance Launch Successful'],
      detail: { responseElements: [null] },
    };
    expect(matchesEventPattern(pattern, launch)).toBe(true);
  });
});

// Docs: "Arrays in Amazon EventBridge event patterns" (eb-event-patterns-arrays).
describe('arrays', () => {
  const patternResources = [
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
  ];
  const asg = 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate';

  it('matches when the pattern array and the event array intersect', () => {
    const event = { ...ec2Event, resources: [asg, 'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] };
    expect(matchesEventPattern({ resources: patternResources }, event)).toBe(true);
  });

  it('does not match when the intersection is empty', () => {
    expect(matchesEventPattern({ resources: patternResources }, { ...ec2Event, resources: [asg] })).toBe(false);
  });

  it('does not match an empty event array', () => {
    expect(matchesEventPattern({ resources: patternResources }, { ...ec2Event, resources: [] })).toBe(false);
  });

  it('applies operators to each element of an event array', () => {
    expect(matchesEventPattern({ detail: { tags: [{ prefix: 'Insider' }] } }, withDetail({ tags: ['Custom_Alert', 'Insider'] }))).toBe(true);
  });

  it('crushes arrays of objects: a field matches inside any element', () => {
    const employees = [{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }];
    expect(matchesEventPattern({ detail: { employees: { firstName: ['Anna'] } } }, withDetail({ employees }))).toBe(true);
  });

  it('requires sibling fields to match within the same array element', () => {
    const employees = [{ firstName: 'Anna', lastName: 'Smith' }, { firstName: 'Peter', lastName: 'Jones' }];
    const pattern = { detail: { employees: { firstName: ['Anna'], lastName: ['Jones'] } } };
    expect(matchesEventPattern(pattern, withDetail({ employees }))).toBe(false);
    const same = { detail: { employees: { firstName: ['Anna'], lastName: ['Smith'] } } };
    expect(matchesEventPattern(same, withDetail({ employees }))).toBe(true);
  });

  it('flattens multi-level arrays', () => {
    const employees = [[{ firstName: 'John' }, { firstName: 'Anna' }], [{ firstName: 'Peter' }]];
    expect(matchesEventPattern({ detail: { employees: { firstName: ['Peter'] } } }, withDetail({ employees }))).toBe(true);
    expect(matchesEventPattern({ detail: { ids: [3] } }, withDetail({ ids: [[1, 2], [3]] }))).toBe(true);
  });
});

// Docs: "Event pattern syntax" (eb-create-pattern), considerations: "when EventBridge compiles event patterns for use,
// it uses dot (.) as the joining character", so the dotted and nested spellings are identical in patterns and in
// events; aws/event-ruler README, "Caveat: Compiled rules and JSON keys with dots". Verdicts as AWS recorded them in
// LocalStack's AWS-validated dot_joining_* TestEventPattern cases.
describe('field names with dots', () => {
  const nested = withDetail({ state: { status: 'running' } });
  const dotted = withDetail({ 'state.status': 'running' });

  it('matches a dotted pattern key against nested event fields, and only at the same joined path', () => {
    expect(matchesEventPattern({ detail: { 'state.status': ['running'] } }, nested)).toBe(true);
    expect(matchesEventPattern({ detail: { 'state.status': ['stopped'] } }, nested)).toBe(false);
    // dot_joining_pattern_NEG: a level more in the pattern is another path.
    expect(matchesEventPattern({ detail: { 'state.status': { status: ['running'] } } }, nested)).toBe(false);
  });

  it('matches nested pattern fields against a dotted event field name, and only at the same joined path', () => {
    expect(matchesEventPattern({ detail: { state: { status: ['running'] } } }, dotted)).toBe(true);
    expect(matchesEventPattern({ detail: { state: { status: ['stopped'] } } }, dotted)).toBe(false);
    // dot_joining_event_NEG: a level more in the event is another path.
    expect(matchesEventPattern({ detail: { state: { status: ['running'] } } }, withDetail({ 'state.status': { status: 'running' } }))).toBe(false);
  });

  it('matches a dotted pattern key against a dotted event field name, at any depth', () => {
    expect(matchesEventPattern({ 'detail.state.status': ['running'] }, dotted)).toBe(true);
    expect(matchesEventPattern({ 'detail.state': { status: [{ exists: true }] } }, dotted)).toBe(true);
  });

  it('keeps the last list when a pattern names one path twice ("EventBridge only uses the last one")', () => {
    const pattern = JSON.parse('{"detail": {"state.status": ["stopped"], "state": {"status": ["running"]}}}') as object;
    expect(matchesEventPattern(pattern, nested)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: { status: 'stopped' } }))).toBe(false);
  });

  it('lets either value match when an event holds one path twice, dotted and nested', () => {
    const both = withDetail({ 'state.status': 'running', state: { status: 'stopped', code: 80 } });
    expect(matchesEventPattern({ detail: { state: { status: ['running'], code: [80] } } }, both)).toBe(true);
    expect(matchesEventPattern({ detail: { state: { status: ['stopped'], code: [80] } } }, both)).toBe(true);
  });

  it('keeps array-consistent matching for dotted names inside array elements', () => {
    const items = [{ 'sku.id': 'A', qty: 1 }, { sku: { id: 'B' }, qty: 2 }];
    expect(matchesEventPattern({ detail: { items: { sku: { id: ['A'] }, qty: [1] } } }, withDetail({ items }))).toBe(true);
    expect(matchesEventPattern({ detail: { items: { sku: { id: ['A'] }, qty: [2] } } }, withDetail({ items }))).toBe(false);
  });
});

// Docs: "Comparison operators for use in event patterns in Amazon EventBridge" — prefix matching sections.
describe('prefix', () => {
  it('matches the time prefix example', () => {
    expect(matchesEventPattern({ time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(matchesEventPattern({ time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-03T18:43:48Z' })).toBe(false);
  });

  it('is case-sensitive', () => {
    expect(matchesEventPattern({ Region: [{ prefix: 'us-' }] }, { Region: 'US-east-1' })).toBe(false);
  });

  it('only works on string values', () => {
    expect(matchesEventPattern({ detail: { n: [{ prefix: '12' }] } }, withDetail({ n: 123 }))).toBe(false);
  });

  it('ignores case with equals-ignore-case: "eventb" matches "EventBridge"', () => {
    const pattern = { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] };
    expect(matchesEventPattern(pattern, { service: 'EventBridge' })).toBe(true);
    expect(matchesEventPattern(pattern, { service: 'SNS' })).toBe(false);
  });
});

// Docs: "Comparison operators for use in event patterns in Amazon EventBridge" — suffix matching sections.
describe('suffix', () => {
  it('matches FileName ending with .png', () => {
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' })).toBe(true);
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.jpg' })).toBe(false);
  });

  it('is case-sensitive by default', () => {
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' })).toBe(false);
  });

  it('ignores case with equals-ignore-case: "tbridge" matches "EVENTBRIDGE"', () => {
    const pattern = { service: [{ suffix: { 'equals-ignore-case': 'tbridge' } }] };
    expect(matchesEventPattern(pattern, { service: 'EVENTBRIDGE' })).toBe(true);
    expect(matchesEventPattern(pattern, { service: 'EventBus' })).toBe(false);
  });
});

// Docs: "Comparison operators for use in event patterns in Amazon EventBridge" — equals-ignore-case.
describe('equals-ignore-case', () => {
  it('matches "alice" against "Alice"', () => {
    expect(matchesEventPattern({ Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alice' })).toBe(true);
  });

  it('still requires the whole value', () => {
    expect(matchesEventPattern({ Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alicia' })).toBe(false);
  });

  it('matches the detail-type example in any case', () => {
    const pattern = { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
  });
});

// Docs: "Comparison operators for use in event patterns in Amazon EventBridge" — anything-but matching sections.
describe('anything-but', () => {
  it('matches any state besides "initializing"', () => {
    const pattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    expect(matchesEventPattern(pattern, withDetail({ state: 'running' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'initializing' }))).toBe(false);
  });

  it('excludes a single number', () => {
    const pattern = { detail: { 'x-limit': [{ 'anything-but': 123 }] } };
    expect(matchesEventPattern(pattern, withDetail({ 'x-limit': 124 }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ 'x-limit': 123 }))).toBe(false);
  });

  it('excludes a list of strings', () => {
    const pattern = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(matchesEventPattern(pattern, withDetail({ state: 'running' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'overloaded' }))).toBe(false);
  });

  it('excludes a list of numbers', () => {
    const pattern = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(matchesEventPattern(pattern, withDetail({ 'x-limit': 150 }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ 'x-limit': 200 }))).toBe(false);
  });

  it('does not match when the field is missing', () => {
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, withDetail({}))).toBe(false);
  });

  it('matches a null value, which is not in the list', () => {
    const pattern = { detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } };
    expect(matchesEventPattern(pattern, withDetail({ state: null }))).toBe(true);
  });

  it('compares types: excluding the string "101" does not exclude the number 101', () => {
    expect(matchesEventPattern({ detail: { n: [{ 'anything-but': '101' }] } }, withDetail({ n: 101 }))).toBe(true);
  });

  it('excludes a prefix: Region not in the US', () => {
    const pattern = { Region: [{ 'anything-but': { prefix: 'us-' } }] };
    expect(matchesEventPattern(pattern, { Region: 'eu-west-1' })).toBe(true);
    expect(matchesEventPattern(pattern, { Region: 'us-east-1' })).toBe(false);
  });

  it('matches non-string values when excluding a prefix', () => {
    expect(matchesEventPattern({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, withDetail({ state: 12 }))).toBe(true);
  });

  it('excludes a list of prefixes', () => {
    const pattern = { detail: { state: [{ 'anything-but': { prefix: ['init', 'test'] } }] } };
    expect(matchesEventPattern(pattern, withDetail({ state: 'running' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'testing' }))).toBe(false);
  });

  it('excludes a suffix: FileName not ending in .png', () => {
    const pattern = { FileName: [{ 'anything-but': { suffix: '.png' } }] };
    expect(matchesEventPattern(pattern, { FileName: 'notes.txt' })).toBe(true);
    expect(matchesEventPattern(pattern, { FileName: 'photo.png' })).toBe(false);
  });

  it('excludes values in any case with equals-ignore-case', () => {
    const pattern = { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] };
    expect(matchesEventPattern(pattern, { state: 'INITIALIZING' })).toBe(false);
    expect(matchesEventPattern(pattern, { state: 'running' })).toBe(true);
  });

  it('excludes a list with equals-ignore-case', () => {
    const pattern = { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] };
    expect(matchesEventPattern(pattern, { state: 'Stopped' })).toBe(false);
    expect(matchesEventPattern(pattern, { state: 'pending' })).toBe(true);
  });

  it('excludes a wildcard: FilePath not including /lib/', () => {
    const pattern = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(matchesEventPattern(pattern, { FilePath: 'dir/bin/app' })).toBe(true);
    expect(matchesEventPattern(pattern, { FilePath: 'dir/lib/app' })).toBe(false);
  });

  it('excludes a list of wildcards', () => {
    const pattern = { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] };
    expect(matchesEventPattern(pattern, { FilePath: 'dir/src/app' })).toBe(true);
    expect(matchesEventPattern(pattern, { FilePath: 'dir/bin/app' })).toBe(false);
  });

  it('on an array matches when some element is not excluded (per-element, as event-ruler evaluates)', () => {
    const pattern = { detail: { tags: [{ 'anything-but': 'test' }] } };
    expect(matchesEventPattern(pattern, withDetail({ tags: ['test', 'prod'] }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ tags: ['test'] }))).toBe(false);
  });
});

// Docs: "Comparison operators for use in event patterns in Amazon EventBridge" — numeric matching.
describe('numeric', () => {
  const pattern = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };

  it('matches the documented example', () => {
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 }))).toBe(true);
  });

  it('excludes the open lower bound and includes the closed upper bound', () => {
    const range = { detail: { n: [{ numeric: ['>', 0, '<=', 5] }] } };
    expect(matchesEventPattern(range, withDetail({ n: 0 }))).toBe(false);
    expect(matchesEventPattern(range, withDetail({ n: 0.5 }))).toBe(true);
    expect(matchesEventPattern(range, withDetail({ n: 5 }))).toBe(true);
    expect(matchesEventPattern(range, withDetail({ n: 5.000001 }))).toBe(false);
  });

  it('applies >= and < bounds', () => {
    const range = { detail: { n: [{ numeric: ['>=', 10, '<', 20] }] } };
    expect(matchesEventPattern(range, withDetail({ n: 10 }))).toBe(true);
    expect(matchesEventPattern(range, withDetail({ n: 20 }))).toBe(false);
  });

  it('matches one-sided ranges, including negatives', () => {
    expect(matchesEventPattern({ detail: { n: [{ numeric: ['<', 0] }] } }, withDetail({ n: -3 }))).toBe(true);
    expect(matchesEventPattern({ detail: { n: [{ numeric: ['>=', 100] }] } }, withDetail({ n: 99 }))).toBe(false);
  });

  it('matches "=" by value: Price is 100', () => {
    expect(matchesEventPattern({ Price: [{ numeric: ['=', 100] }] }, { Price: 100.0 })).toBe(true);
    expect(matchesEventPattern({ Price: [{ numeric: ['=', 100] }] }, { Price: 100.5 })).toBe(false);
  });

  it('only works on JSON numbers, not numeric strings or null', () => {
    expect(matchesEventPattern({ detail: { n: [{ numeric: ['>', 0] }] } }, withDetail({ n: '5' }))).toBe(false);
    expect(matchesEventPattern({ detail: { n: [{ numeric: ['>', 0] }] } }, withDetail({ n: null }))).toBe(false);
  });

  it('fails the whole pattern when one numeric field fails', () => {
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': 5, 'd-count': 10, 'x-limit': 301.8 }))).toBe(false);
  });

  // aws/event-ruler README, "Numeric matching": "limited to value between -5.0e9 and +5.0e9 inclusive, with 15 digits
  // of precision, that is to say 6 digits to the right of the decimal point" (ComparableNumber).
  it('never matches an event number beyond ±5.0e9 with a numeric range', () => {
    expect(matchesEventPattern({ detail: { n: [{ numeric: ['>', 0] }] } }, withDetail({ n: 6e9 }))).toBe(false);
    expect(matchesEventPattern({ detail: { n: [{ numeric: ['<', 0] }] } }, withDetail({ n: -6e9 }))).toBe(false);
    expect(matchesEventPattern({ detail: { n: [{ numeric: ['>', 0] }] } }, withDetail({ n: 5e9 }))).toBe(true);
  });

  it('compares numbers to 6 digits after the decimal point', () => {
    expect(matchesEventPattern({ detail: { n: [{ numeric: ['=', 5] }] } }, withDetail({ n: 5.0000001 }))).toBe(true);
    expect(matchesEventPattern({ detail: { n: [{ numeric: ['=', 5] }] } }, withDetail({ n: 5.000001 }))).toBe(false);
    expect(matchesEventPattern({ detail: { n: [5] } }, withDetail({ n: 5.0000001 }))).toBe(true);
    expect(matchesEventPattern({ detail: { n: [{ 'anything-but': [5] }] } }, withDetail({ n: 5.0000001 }))).toBe(false);
  });
});

// Docs: "Comparison operators for use in event patterns in Amazon EventBridge" — exists matching.
describe('exists', () => {
  it('exists:true matches a present field', () => {
    expect(matchesEventPattern({ detail: { state: [{ exists: true }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { 'c-count': [{ exists: true }] } }, ec2Event)).toBe(false);
  });

  it('exists:false matches an event without detail.c-count', () => {
    expect(matchesEventPattern({ detail: { 'c-count': [{ exists: false }] } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { state: [{ exists: false }] } }, ec2Event)).toBe(false);
  });

  it('only works on leaf nodes: exists:false matches when c-count is an object', () => {
    const event = withDetail({ state: ['initializing', 'running'], 'c-count': { c1: 100 } });
    expect(matchesEventPattern({ detail: { 'c-count': [{ exists: false }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { 'c-count': [{ exists: true }] } }, event)).toBe(false);
  });

  it('treats a null value as present', () => {
    expect(matchesEventPattern({ detail: { v: [{ exists: true }] } }, withDetail({ v: null }))).toBe(true);
  });

  it('treats an empty array as absent', () => {
    expect(matchesEventPattern({ resources: [{ exists: true }] }, { ...ec2Event, resources: [] })).toBe(false);
    expect(matchesEventPattern({ resources: [{ exists: false }] }, { ...ec2Event, resources: [] })).toBe(true);
  });

  it('finds a field inside any element of an array of objects', () => {
    const automations = [{ key1: 'value1' }, { id: 'match-does-exist' }, { key2: 'value2' }];
    expect(matchesEventPattern({ detail: { automations: { id: [{ exists: true }] } } }, withDetail({ automations }))).toBe(true);
  });

  it('exists:false matches when an intermediate object is missing', () => {
    expect(matchesEventPattern({ detail: { a: { b: [{ exists: false }] } } }, ec2Event)).toBe(true);
    expect(matchesEventPattern({ detail: { a: { b: [{ exists: true }] } } }, ec2Event)).toBe(false);
  });
});

// Docs: "Comparison operators for use in event patterns in Amazon EventBridge" — IP address matching.
describe('cidr', () => {
  const pattern = { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } };

  it('matches IPv4 addresses inside 10.0.0.0/24', () => {
    expect(matchesEventPattern(pattern, withDetail({ sourceIPAddress: '10.0.0.33' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ sourceIPAddress: '10.0.0.255' }))).toBe(true);
  });

  it('does not match addresses outside the block', () => {
    expect(matchesEventPattern(pattern, withDetail({ sourceIPAddress: '10.0.1.1' }))).toBe(false);
  });

  it('does not match strings that are not IP addresses', () => {
    expect(matchesEventPattern(pattern, withDetail({ sourceIPAddress: 'bad-ip' }))).toBe(false);
  });

  it('matches IPv6 addresses', () => {
    const v6 = { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } };
    expect(matchesEventPattern(v6, withDetail({ sourceIPAddress: '2001:db8:1234:1a00::5' }))).toBe(true);
    expect(matchesEventPattern(v6, withDetail({ sourceIPAddress: '2001:db8:1234:1a01::5' }))).toBe(false);
  });

  it('does not match an IPv4 address against an IPv6 block', () => {
    const v6 = { detail: { sourceIPAddress: [{ cidr: '::/1' }] } };
    expect(matchesEventPattern(v6, withDetail({ sourceIPAddress: '10.0.0.1' }))).toBe(false);
  });
});

// Docs: "Comparison operators for use in event patterns in Amazon EventBridge" — wildcard matching.
describe('wildcard', () => {
  it('matches any .png file within the folder "dir"', () => {
    const pattern = { FileName: [{ wildcard: 'dir/*.png' }] };
    expect(matchesEventPattern(pattern, { FileName: 'dir/image.png' })).toBe(true);
    expect(matchesEventPattern(pattern, { FileName: 'other/image.png' })).toBe(false);
  });

  it('lets * match an empty sequence and several characters', () => {
    const pattern = { source: [{ wildcard: 'Simple*Service' }] };
    expect(matchesEventPattern(pattern, { source: 'SimpleService' })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'SimpleQueueService' })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'SimpleQueue' })).toBe(false);
  });

  it('supports several wildcards in one value', () => {
    const pattern = { EventBusArn: [{ wildcard: 'arn:aws:events:*:*:event-bus/*' }] };
    expect(matchesEventPattern(pattern, { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' })).toBe(true);
  });

  it('handles repeated characters after a wildcard', () => {
    const pattern = { FileName: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] };
    expect(matchesEventPattern(pattern, { FileName: '/Users/ls_user/dir/dir/dir/dir/dir/doc.txt' })).toBe(true);
  });

  it('matches a literal star when escaped with a backslash', () => {
    const pattern = { name: [{ wildcard: 'a\\*b' }] };
    expect(matchesEventPattern(pattern, { name: 'a*b' })).toBe(true);
    expect(matchesEventPattern(pattern, { name: 'axxb' })).toBe(false);
  });

  it('matches a literal backslash written as two backslashes', () => {
    expect(matchesEventPattern({ path: [{ wildcard: 'C:\\\\*' }] }, { path: 'C:\\Windows' })).toBe(true);
  });

  it('treats regular-expression characters literally', () => {
    expect(matchesEventPattern({ v: [{ wildcard: 'a.c*' }] }, { v: 'abc' })).toBe(false);
    expect(matchesEventPattern({ v: [{ wildcard: 'a.c*' }] }, { v: 'a.cd' })).toBe(true);
  });

  it('only works on strings', () => {
    expect(matchesEventPattern({ v: [{ wildcard: '1*' }] }, { v: 123 })).toBe(false);
  });
});

// Docs: "Comparison operators for use in event patterns in Amazon EventBridge" — wildcard matching, and "Wildcards and
// event pattern complexity": "There is a limit to how complex a rule using wildcards can be", measured as aws/event-ruler's
// MachineComplexityEvaluator does (wildcard prefixes one value can match at once, over all the values of one field);
// event-ruler's WildcardParser reads each value in quotes, byte by byte.
describe('wildcard admission', () => {
  const tooComplex = 'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

  it('refuses the guide\'s too-complex ARN pattern and accepts its simplified form', () => {
    // AWS's own answer to the first is recorded in LocalStack's content_wildcard_complex_EXC case.
    expect(rejectionOf({ EventBusArn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] })).toBe(`Event pattern is not valid. Reason: ${tooComplex}`);
    expect(isValidEventPattern({ EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] })).toBe(true);
  });

  it('counts repeated sequences after a wildcard: the guide\'s five "/dir" pass, twelve are too complex', () => {
    expect(isValidEventPattern({ FileName: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] })).toBe(true);
    expect(rejectionOf({ FileName: [{ wildcard: `/Users/*${'/dir'.repeat(12)}/doc.txt` }] })).toContain(tooComplex);
  });

  it('adds up the wildcard values of one field, not of different fields', () => {
    const values = ['*/datasync/*.bif', '*/datasync/*.tif', '*/datasync/*.tiff', '*/datasync/*.svs'].map((wildcard) => ({ wildcard }));
    expect(rejectionOf({ detail: { object: { key: values } } })).toContain(tooComplex);
    expect(isValidEventPattern({ detail: { object: { key: values.slice(0, 2), name: values.slice(2) } } })).toBe(true);
  });

  it('adds up the values of one field across $or branches', () => {
    const [first, second, third, fourth] = ['*/datasync/*.bif', '*/datasync/*.tif', '*/datasync/*.tiff', '*/datasync/*.svs'];
    const pattern = { $or: [{ key: [{ wildcard: first }, { wildcard: second }] }, { key: [{ wildcard: third }, { wildcard: fourth }] }] };
    expect(rejectionOf(pattern)).toContain(tooComplex);
  });

  it('gives the position of consecutive wildcards in UTF-8 bytes of the quoted value', () => {
    // The quote is byte 0 and "é" bytes 1-2, so the first star of "**" is byte 3.
    expect(rejectionOf({ name: [{ wildcard: 'é**' }] })).toBe('Event pattern is not valid. Reason: Consecutive wildcard characters at pos 3');
  });

  it('reports a grammar error before a wildcard the parser refuses, as event-ruler parses wildcards last', () => {
    expect(rejectionOf({ a: [{ wildcard: 'a**' }], b: [] })).toContain('Empty arrays are not allowed');
  });
});

// Docs: "Comparison operators for use in event patterns in Amazon EventBridge" — $or matching.
describe('$or', () => {
  it('matches Location "New York" or Day "Monday"', () => {
    const pattern = { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] };
    expect(matchesEventPattern(pattern, { Location: 'Boston', Day: 'Monday' })).toBe(true);
    expect(matchesEventPattern(pattern, { Location: 'New York', Day: 'Friday' })).toBe(true);
    expect(matchesEventPattern(pattern, { Location: 'Boston', Day: 'Friday' })).toBe(false);
  });

  it('ANDs $or with the other fields: source && (metricName || namespace)', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/ES' })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'aws.s3', namespace: 'AWS/ES' })).toBe(false);
  });

  it('supports an AND inside a branch', () => {
    const pattern = {
      $or: [{ metricName: ['CPUUtilization'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2'] }],
    };
    expect(matchesEventPattern(pattern, { metricType: 'MetricType', namespace: 'AWS/EC2' })).toBe(true);
    expect(matchesEventPattern(pattern, { metricType: 'MetricType', namespace: 'AWS/S3' })).toBe(false);
  });

  it('works inside nested objects and in parallel at several levels', () => {
    const pattern = {
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    };
    expect(matchesEventPattern(pattern, { namespace: 'AWS/EC2', detail: { source: 'aws.cloudwatch' } })).toBe(true);
    expect(matchesEventPattern(pattern, { namespace: 'AWS/EC2', detail: { source: 'aws.s3' } })).toBe(false);
  });

  it('nests $or inside a $or branch', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        { namespace: ['AWS/EC2'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
      ],
    };
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/EC2', spaceId: 1000 })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/EC2', spaceId: 1 })).toBe(false);
  });

  it('combines exists:false and anything-but as alternatives of one field', () => {
    const pattern = { dynamodb: { NewImage: { homemade: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } } } };
    expect(matchesEventPattern(pattern, { dynamodb: { NewImage: { purchased: { N: '789' } } } })).toBe(true);
    expect(matchesEventPattern(pattern, { dynamodb: { NewImage: { homemade: { S: 'ABCD' } } } })).toBe(true);
    expect(matchesEventPattern(pattern, { dynamodb: { NewImage: { homemade: { S: 'roses' } } } })).toBe(false);
  });
});

// Docs: "Content filtering in Amazon EventBridge event patterns" — complex example with multiple matching.
describe('complex example', () => {
  const pattern = {
    time: [{ prefix: '2017-10-02' }],
    detail: {
      state: [{ 'anything-but': 'initializing' }],
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ 'anything-but': [100, 200, 300] }],
      'source-ip': [{ cidr: '10.0.0.0/8' }],
    },
  };
  const event = {
    ...ec2Event,
    time: '2017-10-02T16:24:49Z',
    detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.33', state: 'running' },
  };

  it('matches when every condition holds', () => {
    expect(matchesEventPattern(pattern, event)).toBe(true);
  });

  it('fails when one condition fails', () => {
    expect(matchesEventPattern(pattern, { ...event, detail: { ...event.detail, 'x-limit': 200 } })).toBe(false);
    expect(matchesEventPattern(pattern, { ...event, detail: { ...event.detail, 'source-ip': '11.0.0.1' } })).toBe(false);
  });
});

// Docs: InvalidEventPatternException from PutRule/TestEventPattern; reasons as EventBridge (event-ruler) words them.
describe('invalid patterns', () => {
  const cases: ReadonlyArray<[string, unknown, string]> = [
    ['a non-object pattern', ['not', 'a', 'dict'], 'Filter is not an object'],
    ['an empty object', {}, 'Empty objects are not allowed'],
    ['an empty nested object', { detail: {} }, 'Empty objects are not allowed'],
    ['a string leaf that is not in an array', { string: 'my-value' }, '"string" must be an object or an array'],
    ['a number leaf that is not in an array', { int: 42 }, '"int" must be an object or an array'],
    ['an empty array', { resources: [] }, 'Empty arrays are not allowed'],
    ['a nested array as a match value', { source: [['aws.ec2']] }, 'Match value must be String, number, true, false, or null'],
    ['an unknown operator', { foo: [{ foo: 1 }] }, 'Unrecognized match type foo'],
    ['an upper-case operator', { detail: { equal: [{ NUMERIC: ['=', 5] }] } }, 'Unrecognized match type NUMERIC'],
    ['an empty operator object', { foo: [{}] }, 'Match expression name not found'],
    ['two operators in one object', { foo: [{ prefix: 'a', suffix: 'b' }] }, 'Only one key allowed in match expression'],
    ['a non-string prefix', { time: [{ prefix: 123 }] }, 'prefix match pattern must be a string'],
    ['a prefix list', { time: [{ prefix: ['2022-07-13'] }] }, 'prefix match pattern must be a string'],
    ['a prefix with an unsupported nested operator', { a: [{ prefix: { suffix: 'x' } }] }, 'Unsupported prefix pattern: suffix'],
    ['a non-string suffix', { FileName: [{ suffix: 123 }] }, 'suffix match pattern must be a string'],
    ['a suffix list', { FileName: [{ suffix: ['.png'] }] }, 'suffix match pattern must be a string'],
    ['an equals-ignore-case list', { a: [{ 'equals-ignore-case': ['x'] }] }, 'equals-ignore-case match pattern must be a string'],
    ['an equals-ignore-case object', { a: [{ 'equals-ignore-case': { prefix: 'ec2' } }] }, 'equals-ignore-case match pattern must be a string'],
    ['a non-string wildcard', { EventBusArn: [{ wildcard: 123 }] }, 'wildcard match pattern must be a string'],
    ['consecutive wildcards', { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:**:event-bus/*' }] }, 'Consecutive wildcard characters at pos 26'],
    // event-ruler's WildcardParser reads the value in its quotes, so positions count the opening quote.
    ['a bad wildcard escape', { a: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 2'],
    ['a non-boolean exists', { a: [{ exists: 'true' }] }, 'exists match pattern must be either true or false.'],
    ['a numeric that is not an array', { a: [{ numeric: 5 }] }, 'Value of numeric must be an array.'],
    ['an empty numeric array', { a: [{ numeric: [] }] }, 'Invalid member in numeric match: ]'],
    ['an unknown numeric operator', { a: [{ numeric: ['!=', 5] }] }, 'Unrecognized numeric range operator: !='],
    ['a numeric operator without a value', { detail: { 'c-count': [{ numeric: ['>', 0, '<'] }] } }, 'Value of < must be numeric'],
    ['a non-number numeric operand', { a: [{ numeric: ['>', '5'] }] }, 'Value of > must be numeric'],
    ['two lower bounds', { detail: { 'c-count': [{ numeric: ['>', 0, '>', 0] }] } }, 'Bad numeric range operator: >'],
    ['an upper bound first', { a: [{ numeric: ['<', 10, '>', 0] }] }, 'Too many elements in numeric expression'],
    ['too many numeric terms', { a: [{ numeric: ['>', 0, '<', 5, '<', 6] }] }, 'Too many terms in numeric range expression'],
    ['extra terms after =', { a: [{ numeric: ['=', 5, '<', 6] }] }, 'Too many elements in numeric expression'],
    ['an empty numeric range', { a: [{ numeric: ['>', 5, '<', 5] }] }, 'Bottom must be less than top'],
    // event-ruler's ComparableNumber message, where Java renders the double 5e9 as 5.0E9.
    ['a numeric operand beyond 5e9', { a: [{ numeric: ['>', 6e9] }] }, 'Value must be between -5.0E9 and 5.0E9, inclusive'],
    ['an empty anything-but list', { a: [{ 'anything-but': [] }] }, 'mixed type is not supported'],
    ['a mixed anything-but list', { a: [{ 'anything-but': ['a', 1] }] }, 'mixed type is not supported'],
    ['null in an anything-but list', { a: [{ 'anything-but': ['a', null] }] }, 'start|null|boolean is not supported'],
    ['anything-but null', { detail: { state: [{ 'anything-but': null }] } }, 'Value of anything-but must be an array or single string/number value.'],
    ['anything-but with an unsupported operator', { a: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'Unsupported anything-but pattern: numeric'],
    ['anything-but prefix with equals-ignore-case', { a: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'file' } } }] }, 'Value of anything-but must be an array or single string/number value.'],
    ['anything-but with a non-string prefix', { a: [{ 'anything-but': { prefix: 123 } }] }, 'prefix/suffix match pattern must be a string'],
    ['anything-but with a non-string suffix in a list', { a: [{ 'anything-but': { suffix: [123, '.txt'] } }] }, 'prefix/suffix match pattern must be a string'],
    ['anything-but with an empty prefix', { a: [{ 'anything-but': { prefix: '' } }] }, 'Null prefix/suffix not allowed'],
    ['anything-but with a numeric equals-ignore-case', { a: [{ 'anything-but': { 'equals-ignore-case': 123 } }] }, 'Inside anything-but/equals-ignore-case list'],
    ['anything-but with an empty operator list', { a: [{ 'anything-but': { wildcard: [] } }] }, 'Empty arrays are not allowed'],
    ['anything-but with a non-string wildcard', { a: [{ 'anything-but': { wildcard: [123, '*/dir/*'] } }] }, 'wildcard match pattern must be a string'],
    ['a cidr without a mask', { a: [{ cidr: '10.0.0.0' }] }, "Malformed CIDR, one '/' required"],
    ['a cidr with a bad mask', { a: [{ cidr: '10.0.0.0/xx' }] }, 'Malformed CIDR, mask bits must be an integer'],
    ['a cidr with a bad address', { a: [{ cidr: 'xx.11.xx/24' }] }, 'Nonstandard IP address: xx.11.xx'],
    ['a cidr with a bad IPv6 address', { a: [{ cidr: 'xxxx:db8:1234:1a00::/64' }] }, 'Nonstandard IP address: xxxx:db8:1234:1a00::'],
    ['a cidr that is not a string', { a: [{ cidr: ['10.0.0.0/24'] }] }, 'cidr match pattern must be a string'],
    ['$or that is not an array', { $or: { a: ['x'] } }, 'It must be an Array followed with $or.'],
    ['$or with one branch', { $or: [{ a: ['x'] }] }, 'There must have at least 2 Objects in $or relationship.'],
    ['$or with a non-object branch', { $or: [{ a: ['x'] }, 'b'] }, 'Only JSON object is allowed in array of $or relationship.'],
    ['an operator name as a field inside $or', { $or: [{ numeric: [123] }, { prefix: ['abc'] }] }, 'numeric is Ruler reserved fieldName'],
  ];

  it.each(cases)('rejects %s', (_label, pattern, reason) => {
    expect(rejectionOf(pattern)).toContain(reason);
  });

  it('rejects JSON text that does not parse', () => {
    expect(rejectionOf("{'bad': 'quotation'}")).toMatch(/^Event pattern is not valid\. Reason: /);
  });

  it('rejects JSON text that is not an object', () => {
    expect(rejectionOf('["not", "a", "dict"]')).toContain('Filter is not an object');
  });

  it('throws an error named like the AWS exception, with the AWS message prefix', () => {
    let caught: unknown;
    try {
      validateEventPattern({ resources: [] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidEventPatternError);
    expect((caught as Error).name).toBe('InvalidEventPatternException');
    expect((caught as Error).message).toBe('Event pattern is not valid. Reason: Empty arrays are not allowed');
  });

  it('makes matchesEventPattern throw for an invalid pattern', () => {
    expect(() => matchesEventPattern({ source: 'aws.ec2' }, ec2Event)).toThrow(InvalidEventPatternError);
  });
});

describe('isValidEventPattern', () => {
  it.each([
    ['the EC2 example', { source: ['aws.ec2'], detail: { state: ['terminated'] } }],
    ['its JSON text', '{"source": ["aws.ec2"]}'],
    ['an empty anything-but wildcard', { FilePath: [{ 'anything-but': { wildcard: '' } }] }],
    ['an empty prefix', { a: [{ prefix: '' }] }],
    ['an escaped star next to a wildcard', { a: [{ wildcard: '\\**' }] }],
    ['a number, boolean and null together', { a: [1, true, null, 'x'] }],
    ['an account number too large for numeric matching', { a: [123456789012] }],
  ])('accepts %s', (_label, pattern) => {
    expect(isValidEventPattern(pattern)).toBe(true);
  });

  it.each([
    ['an empty array', { a: [] }],
    ['malformed JSON', '{"a": ['],
    ['a non-array leaf', { a: 'x' }],
    ['an IPv4 /32 (event-ruler requires fewer mask bits)', { a: [{ cidr: '10.0.0.1/32' }] }],
  ])('rejects %s', (_label, pattern) => {
    expect(isValidEventPattern(pattern)).toBe(false);
  });
});
