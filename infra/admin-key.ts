import { parseArgs } from 'node:util';
import type { IssuedKey } from '../shared/auth/api-keys.js';
import { isEntryPoint } from './entry-point.js';

/**
 * Issues the hub's first admin key against a deployed stage's table, once:
 *
 *   npx tsx infra/admin-key.ts --stage prod --table <TableName output of DeliveryHub-prod>
 *
 * It needs AWS credentials allowed to write the table (`dynamodb:TransactWriteItems`, i.e.
 * PutItem on it), the table's region (`--region`, else AWS_REGION, else eu-west-3). The key is
 * printed once and stored only as its hash; a second run finds the first key's marker and issues
 * nothing. No CloudFormation client: the table name comes from the stack's output (the command
 * to read it is printed when `--table` is missing).
 */

const DEFAULT_REGION = 'eu-west-3';

export interface AdminKeyOptions {
  stage: string;
  table: string | undefined;
  region: string;
  /** Accept a table whose name does not belong to the stage's stack. */
  force: boolean;
}

export const usage = 'Usage: npx tsx infra/admin-key.ts --stage <stage> --table <table name> [--region <region>] [--force]';

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): AdminKeyOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: { stage: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, force: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.stage) throw new Error(`--stage is required.\n${usage}`);
  return { stage: values.stage, table: values.table || undefined, region: values.region || env.AWS_REGION || DEFAULT_REGION, force: values.force === true };
}

/** The AWS CLI command that prints the stage's table name (the stack output `TableName`). */
export function describeStacksCommand(stage: string, region: string): string {
  return `aws cloudformation describe-stacks --region ${region} --stack-name DeliveryHub-${stage} --query "Stacks[0].Outputs[?OutputKey=='TableName'].OutputValue" --output text`;
}

/** CloudFormation names the table after its stack: `DeliveryHub-<stage>-Table…`. */
export function tableBelongsToStage(table: string, stage: string): boolean {
  return table.startsWith(`DeliveryHub-${stage}-`);
}

/** Writes the first admin key into `table` (in the current AWS_REGION): the key, or undefined if one was issued already. */
export async function issueFirstAdminKey(table: string): Promise<IssuedKey | undefined> {
  process.env.TABLE_NAME = table;
  // Imported here: the table name must be in the environment first, and --help needs no SDK.
  const { bootstrapAdminKey } = await import('../shared/auth/bootstrap.js');
  return bootstrapAdminKey();
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: AdminKeyOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  if (options.table === undefined) {
    console.error(`--table is required: the TableName output of the stack DeliveryHub-${options.stage}. Read it with:\n\n  ${describeStacksCommand(options.stage, options.region)}\n\n${usage}`);
    return 2;
  }
  if (!options.force && !tableBelongsToStage(options.table, options.stage)) {
    console.error(`Table '${options.table}' does not belong to the stack DeliveryHub-${options.stage} (its name would start with 'DeliveryHub-${options.stage}-'). Check the stage, or pass --force.`);
    return 2;
  }
  process.env.AWS_REGION = options.region;
  const issued = await issueFirstAdminKey(options.table);
  if (issued === undefined) {
    console.error(
      `An admin key was already issued for ${options.table}; none was made. With that key, issue more keys through the API (POST /v1/tenants/{id}/api-keys for tenants).`,
    );
    return 1;
  }
  console.log(`Admin key of DeliveryHub-${options.stage} (id ${issued.id}). Shown once, stored only as its hash: keep it in your password manager.\n\n  ${issued.key}\n`);
  return 0;
}


if (isEntryPoint(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`Could not issue the admin key: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
