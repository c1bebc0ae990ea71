/**
 * `npm run bench`: starts the local runtime (DynamoDB Local in memory), runs each section in
 * turn, and writes BENCHMARKS.md. Exits non-zero if a section failed (a Scan, an unexpected
 * answer). To add a section, write a module exporting a `Section` and list it below.
 */
// Before anything that logs is imported: the handlers' logger reads its level when created.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { startBenchApi } = await import('./harness.js');
const { db } = await import('../shared/db/client.js');
const { instrument } = await import('./instrument.js');
const { setUpFixtures } = await import('./fixtures.js');
const { operations } = await import('./operations.js');
const { commit, currentLoad, machine, renderReport, writeReport } = await import('./report.js');
const { roundTripSection } = await import('./round-trips.js');
const { latencySection } = await import('./latency.js');
type BenchApi = import('./harness.js').BenchApi;
type Section = import('./section.js').Section;
type SectionResult = import('./section.js').SectionResult;

const sections: Section[] = [roundTripSection, latencySection];

const started = Date.now();
const log = (message: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);

let api: BenchApi | undefined;
let stopping: Promise<void> | undefined;
/** Stops the API, the bus, the stream poller and DynamoDB Local's JVM; once, whoever asks first. */
const stop = () => (stopping ??= api ? api.stop() : Promise.resolve());

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the local runtime and DynamoDB Local...`);
    const force = setTimeout(() => process.exit(code), 10_000);
    force.unref();
    // DynamoDB Local's own exit hook and watchdog kill the JVM too if we are still starting.
    void stop().finally(() => process.exit(code));
  });
}

let exitCode = 0;
try {
  const meta = { date: new Date(started).toISOString(), commit: commit(), machine: machine(), loadStart: currentLoad() };
  log(`starting the local runtime (${meta.machine.cpu}, ${meta.machine.cores} cores, load ${meta.loadStart})`);
  api = await startBenchApi();
  // The handlers run in this process and share this one document client: count its calls.
  const recorder = instrument(db(), { apiPort: Number(new URL(api.runtime.apiUrl).port) });
  const fixtures = await setUpFixtures(api);
  await api.runtime.settle();

  const context = { api, fixtures, recorder, operations: operations(api, fixtures), progress: log };
  const results: SectionResult[] = [];
  for (const section of sections) {
    log(`section: ${section.title}`);
    results.push(await section.run(context));
  }
  await api.runtime.settle();

  // Issue 3: no scans anywhere, so every call of the run counts, the consumers' included.
  results.push({
    title: 'Scans',
    markdown: '',
    checks: [{ text: 'no Scan anywhere in the run (handlers and consumers)', met: recorder.scans === 0 }],
    failures: recorder.scans > 0 ? [`${recorder.scans} Scan(s) through the document client during the run`] : [],
  });
  const report = renderReport(
    {
      machine: meta.machine,
      date: meta.date,
      commit: meta.commit,
      durationSeconds: Math.round((Date.now() - started) / 1000),
      load: { start: meta.loadStart, end: currentLoad() },
      totals: recorder.totals,
    },
    results,
  );
  writeReport(new URL('../BENCHMARKS.md', import.meta.url), report);
  log('wrote BENCHMARKS.md');

  for (const check of results.flatMap((result) => result.checks)) log(`${check.met ? 'met    ' : 'NOT MET'}  ${check.text}`);
  const failures = results.flatMap((result) => result.failures);
  for (const failure of failures) console.error(`FAILED: ${failure}`);
  if (failures.length > 0) exitCode = 1;
} catch (error) {
  console.error('bench failed:', error);
  exitCode = 1;
} finally {
  await stop();
}
log(exitCode === 0 ? 'done' : 'done, with failures');
process.exit(exitCode);
