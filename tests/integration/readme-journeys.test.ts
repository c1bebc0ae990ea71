import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePortRange } from '../helpers/ports.js';
import { killGroup, portsReleased, startNpm, waitFor, type NpmStart } from '../helpers/processes.js';

/**
 * The README's journeys, pasted as they are: every `sh` block of its "Journeys" section, in
 * order, in one bash (`set -euo pipefail`, so any failing command fails the test) against a
 * fresh `npm start`. Only the address and the data folder differ from a reader's terminal.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'hub-readme-'));
let npmStart: NpmStart | undefined;

afterAll(() => {
  if (npmStart) killGroup(npmStart.npm, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function journeyBlocks(): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('\n## Journeys'), readme.indexOf('\n## ', readme.indexOf('\n## Journeys') + 5));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

describe("the README's journeys", () => {
  it('has journeys for every kind of user', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const journey of ['ressourcerie', 'shop', "courier's day", 'recipient', "accountant's month end", 'sign in to the web app']) expect(readme.toLowerCase()).toContain(journey);
    expect(journeyBlocks().length).toBeGreaterThanOrEqual(6);
  });

  it('run verbatim after npm ci && npm start, and end with a delivered delivery, a tracking link and a billed month', async () => {
    const port = await freePortRange(3);
    npmStart = await startNpm(port, dataDir);
    const script = ['set -euo pipefail', ...journeyBlocks()]
      .join('\n')
      .replaceAll('localhost:3000', `127.0.0.1:${port}`)
      .replaceAll('.data/admin-key', join(dataDir, 'admin-key'));
    // In a folder of its own: the journeys save files (the invoice's PDF) where they run.
    const run = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 180_000, cwd: dataDir });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
    // What each journey should have shown the reader.
    expect(output).toContain('"remaining": 2'); // the ressourcerie took one unit of the 09:00 slot
    expect(output).toContain('"label": "Prise en charge"'); // price lines in French
    expect(output).toMatch(/"status": "needs_review"|"status": "booked"/); // the Shopify order
    expect(output).toContain('"status": "delivered"');
    expect(output).toMatch(/200 text\/html/); // the tracking page
    expect(output).toMatch(/"number": "F\d{4}-\d{6}"/); // an invoice, numbered
    expect(output).toMatch(/JournalCode\tJournalLib/); // the FEC
    expect(output).toContain('"paidAmount": 500'); // a cheque recorded on the invoice
    expect(output).toContain('"name": "Dominique"'); // a person signed in by the e-mailed link, through the session cookie
    expect(readFileSync(join(dataDir, 'facture.pdf')).subarray(0, 5).toString()).toBe('%PDF-'); // its Factur-X PDF
    process.kill(npmStart.npm.pid as number, 'SIGTERM');
    await waitFor(() => portsReleased(port), 20_000, 'npm start to stop');
    npmStart = undefined;
  }, 240_000);
});
