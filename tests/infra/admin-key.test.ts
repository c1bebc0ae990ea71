import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describeStacksCommand, issueFirstAdminKey, main, parseOptions, tableBelongsToStage } from '../../infra/admin-key.js';
import { ensureTable, localDynamoClient } from '../../infra/local/dynamodb.js';
import { hashSecret } from '../../shared/auth/api-keys.js';
import { db, setDb } from '../../shared/db/client.js';

describe('infra/admin-key.ts', () => {
  const saved = { endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, table: process.env.TABLE_NAME };
  afterAll(() => {
    setDb(undefined);
    for (const [name, value] of [
      ['AWS_ENDPOINT_URL_DYNAMODB', saved.endpoint],
      ['TABLE_NAME', saved.table],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('reads --stage, --table and --region (else AWS_REGION, else eu-west-3)', () => {
    expect(parseOptions(['--stage', 'prod', '--table', 'DeliveryHub-prod-TableCD117FA1-X'], {})).toEqual({ stage: 'prod', table: 'DeliveryHub-prod-TableCD117FA1-X', region: 'eu-west-3', force: false });
    expect(parseOptions(['--stage', 'dev'], { AWS_REGION: 'eu-west-1' })).toEqual({ stage: 'dev', table: undefined, region: 'eu-west-1', force: false });
    expect(parseOptions(['--stage', 'dev', '--region', 'eu-central-1', '--force'], { AWS_REGION: 'eu-west-1' }).region).toBe('eu-central-1');
    expect(() => parseOptions(['--table', 'x'])).toThrow('--stage is required');
    expect(() => parseOptions(['--stage', 'prod', '--tabel', 'x'])).toThrow();
  });

  it('without --table, prints the describe-stacks command that gives it, and exits 2', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((message: string) => void errors.push(message));
    expect(await main(['--stage', 'prod', '--region', 'eu-west-3'])).toBe(2);
    expect(errors.join('\n')).toContain(describeStacksCommand('prod', 'eu-west-3'));
    expect(describeStacksCommand('prod', 'eu-west-3')).toBe(
      `aws cloudformation describe-stacks --region eu-west-3 --stack-name DeliveryHub-prod --query "Stacks[0].Outputs[?OutputKey=='TableName'].OutputValue" --output text`,
    );
    // Another stage's table is refused unless --force.
    expect(tableBelongsToStage('DeliveryHub-prod-TableCD117FA1-1', 'prod')).toBe(true);
    expect(tableBelongsToStage('DeliveryHub-dev-TableCD117FA1-1', 'prod')).toBe(false);
    expect(await main(['--stage', 'prod', '--table', 'DeliveryHub-dev-TableCD117FA1-1'])).toBe(2);
    vi.restoreAllMocks();
  });

  it('issues the first admin key once per table (stored as its hash), then nothing', async () => {
    const endpoint = inject('dynamoDbEndpoint');
    const table = `DeliveryHub-test-Table-${randomBytes(4).toString('hex')}`;
    await ensureTable(localDynamoClient(endpoint), table);
    process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
    setDb(undefined);

    const issued = await issueFirstAdminKey(table);
    expect(issued?.key).toMatch(/^dh_adm_/);
    expect(issued?.role).toBe('admin');
    const { Item } = await db().send(new GetCommand({ TableName: table, Key: { pk: `APIKEY#${hashSecret(issued!.key)}`, sk: 'APIKEY' } }));
    expect(Item).toMatchObject({ entity: 'api_key', role: 'admin', id: issued!.id });
    expect(JSON.stringify(Item)).not.toContain(issued!.key);
    expect(await issueFirstAdminKey(table)).toBeUndefined();
  });
});
