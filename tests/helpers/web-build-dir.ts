import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The folder of one test run's build of the web app: the test workers share their parent process (the runner's). */
export function sharedBuildDir(runId = String(process.ppid)): string {
  return join(tmpdir(), `delivery-hub-web-${runId}`);
}
