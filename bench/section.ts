import type { Fixtures } from './fixtures.js';
import type { BenchApi } from './harness.js';
import type { RoundTripRecorder } from './instrument.js';
import type { Operation } from './operations.js';

/** Everything a section may use; sections run one after the other, never at the same time. */
export interface BenchContext {
  api: BenchApi;
  fixtures: Fixtures;
  /** Counts the DynamoDB calls of the handlers (`db()`). */
  recorder: RoundTripRecorder;
  operations: Operation[];
  progress(message: string): void;
}

/** A target of the report's summary. */
export interface Check {
  text: string;
  met: boolean;
}

export interface SectionResult {
  title: string;
  /** The section's body in BENCHMARKS.md (tables and notes), without its heading. */
  markdown: string;
  /** Targets, for the summary at the top of the report. */
  checks: Check[];
  /** What makes `npm run bench` exit non-zero (a Scan, an unexpected answer). */
  failures: string[];
}

/** A part of the benchmark: add a module that exports one, and list it in `run.ts`. */
export interface Section {
  id: string;
  title: string;
  run(context: BenchContext): Promise<SectionResult>;
}

/** What a section that needs no API may use. */
export interface OfflineContext {
  progress(message: string): void;
}

/**
 * A section that needs neither the local runtime nor DynamoDB Local (bundles, cold starts): run
 * before they start, so nothing else of the bench runs beside it.
 */
export interface OfflineSection {
  id: string;
  title: string;
  run(context: OfflineContext): Promise<SectionResult>;
}
