/**
 * `npm run bench`: runs the sections that need no API (bundles, cold starts), then starts the
 * local runtime (DynamoDB Local in memory) and runs the others in turn, and writes BENCHMARKS.md (the
 * summary) and docs/benchmarks.md (every table).
 * Exits non-zero if a section failed (a Scan, an unexpected answer, a bundle that does not
 * build). To add a section, write a module exporting a `Section` (or an `OfflineSection`) and
 * list it below.
 */
// Before anything that logs is imported: the handlers' logger reads its level when created.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

// Measured on the Node.js Lambda runs (cold starts included: each is a fresh `node` of this same binary).
const { nodeMismatch } = await import('../infra/node-version.js');
const mismatch = nodeMismatch();
if (mismatch) {
  console.error(mismatch);
  process.exit(1);
}

const { startBenchApi } = await import('./harness.js');
const { db } = await import('../shared/db/client.js');
const { instrument } = await import('./instrument.js');
const { setUpFixtures } = await import('./fixtures.js');
const { operations } = await import('./operations.js');
const { commit, currentLoad, machine, renderReports, writeReport } = await import('./report.js');
const { roundTripSection } = await import('./round-trips.js');
const { latencySection } = await import('./latency.js');
const { dayReplaySection } = await import('./day-replay.js');
const { bundleSection, removeBundles } = await import('./bundles.js');
const { coldStartSection } = await import('./cold-start.js');
const { webAppSection } = await import('./web-app.js');
const { planningSection } = await import('./planning.js');
const { loadSection } = await import('./load.js');
const { capacitySection } = await import('./capacity.js');
const { costSection } = await import('./cost.js');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const { pathToFileURL } = await import('node:url');
type BenchApi = import('./harness.js').BenchApi;
type Section = import('./section.js').Section;
type OfflineSection = import('./section.js').OfflineSection;
type SectionResult = import('./section.js').SectionResult;

/** Run first, before the local runtime starts: they need neither the API nor DynamoDB Local. */
const offlineSections: OfflineSection[] = [bundleSection, coldStartSection, webAppSection(), planningSection];
/**
 * Then, against the local runtime, in this order (the cost section reads the capacity section's numbers; the day replay
 * reads the cold-start section's, and the latency section's when it ran).
 */
const sections: Section[] = [roundTripSection, latencySection, dayReplaySection, loadSection, capacitySection, costSection];

/**
 * `BENCH_SECTIONS=bundles,cold-start npm run bench` runs only those sections (ids: `bundles`,
 * `cold-start`, `web-app`, `planning`, and the online ones), and writes
 * the partial report to the temporary folder instead of BENCHMARKS.md.
 */
const only = process.env.BENCH_SECTIONS?.split(',').map((id) => id.trim()).filter((id) => id !== '');
const selected = <T extends { id: string }>(list: T[]) => (only ? list.filter((section) => only.includes(section.id)) : list);

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
    void stop()
      .then(() => removeBundles())
      .finally(() => process.exit(code));
  });
}

let exitCode = 0;
try {
  const meta = { date: new Date(started).toISOString(), commit: commit(), machine: machine(), loadStart: currentLoad() };
  const results: SectionResult[] = [];
  for (const section of selected(offlineSections)) {
    log(`section: ${section.title}`);
    results.push(await section.run({ progress: log }));
  }

  let totals: import('./report.js').RunMeta['totals'] = { requests: new Map(), background: new Map() };
  const online = selected(sections);
  if (online.length > 0) {
    log(`starting the local runtime (${meta.machine.cpu}, ${meta.machine.cores} cores, load ${currentLoad()})`);
    api = await startBenchApi();
    // The handlers run in this process and share this one document client: count its calls.
    const recorder = instrument(db(), { apiPort: Number(new URL(api.runtime.apiUrl).port) });
    const fixtures = await setUpFixtures(api);
    await api.runtime.settle();

    const context = { api, fixtures, recorder, operations: operations(api, fixtures), progress: log };
    for (const section of online) {
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
    totals = recorder.totals;
  }
  const reports = renderReports(
    {
      machine: meta.machine,
      date: meta.date,
      commit: meta.commit,
      durationSeconds: Math.round((Date.now() - started) / 1000),
      load: { start: meta.loadStart, end: currentLoad() },
      totals,
      ...(only ? { partial: only } : {}),
    },
    results,
  );
  // A partial run never overwrites the committed reports.
  const summaryTarget = only ? pathToFileURL(join(tmpdir(), 'BENCHMARKS.partial.md')) : new URL('../BENCHMARKS.md', import.meta.url);
  const fullTarget = only ? pathToFileURL(join(tmpdir(), 'benchmarks.partial.md')) : new URL('../docs/benchmarks.md', import.meta.url);
  writeReport(summaryTarget, reports.summary);
  writeReport(fullTarget, reports.full);
  log(`wrote ${only ? `${summaryTarget.pathname} and ${fullTarget.pathname}` : 'BENCHMARKS.md and docs/benchmarks.md'}`);

  for (const check of results.flatMap((result) => result.checks)) log(`${check.met ? 'met    ' : 'NOT MET'}  ${check.text}`);
  const failures = results.flatMap((result) => result.failures);
  for (const failure of failures) console.error(`FAILED: ${failure}`);
  if (failures.length > 0) exitCode = 1;
} catch (error) {
  console.error('bench failed:', error);
  exitCode = 1;
} finally {
  await stop();
  await removeBundles().catch(() => undefined);
}
log(exitCode === 0 ? 'done' : 'done, with failures');
process.exit(exitCode);
