import { randomUUID } from 'node:crypto';
import { db } from '../../shared/db/client.js';

/**
 * Fault injection on the handlers' own DynamoDB client (the local runtime runs them in the test's
 * process): the next transaction that commits an idempotent request's effect reaches DynamoDB and
 * commits, then its answer is lost, as when the connection drops or the process dies right after.
 *
 * `caller`: the handler sees the failure (the SDK's retries are behind it).
 * `transport`: the SDK sees it first and retries the committed transaction itself.
 */
export function loseAnswerOfNextEffectCommit(where: 'caller' | 'transport' = 'caller'): { readonly fired: boolean; cancel(): void } {
  const client = db();
  const name = `lose-answer-${randomUUID()}`;
  let fired = false;
  const cancel = () => client.middlewareStack.remove(name);
  const middleware = (next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
    const result = await next(args);
    const commits = String(context.commandName ?? '').includes('TransactWrite') && JSON.stringify(args.input).includes('"IDEM"');
    if (commits && !fired) {
      fired = true;
      cancel();
      throw Object.assign(new Error('socket hang up (injected after the commit)'), { code: 'ECONNRESET' });
    }
    return result;
  };
  if (where === 'caller') client.middlewareStack.add(middleware as never, { step: 'initialize', name });
  else client.middlewareStack.add(middleware as never, { step: 'deserialize', name, priority: 'low' });
  return {
    get fired() {
      return fired;
    },
    cancel,
  };
}
