import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/app/routes.js';
import { functionGroupOf } from '../../shared/http/function-groups.js';
import { PROOF_PREFIX, PROOF_RETENTION_DAYS, proofObjectKey, UPLOAD_PREFIX, UPLOAD_RETENTION_DAYS, uploadObjectKey } from '../../shared/proofs/limits.js';
import { asList, synth, type Resource, type Statement, type Synthesized } from './template-helpers.js';

/**
 * The proof-photo bucket in the synthesized stack (`infra/constructs/proof-photos.ts`): private,
 * encrypted, TLS only, emptied by lifecycle rules, open to the web app's origin for uploads, and
 * reached by the API function alone, on its objects alone.
 */
const dev = synth();
const prod = synth({
  stage: 'prod',
  alarmEmail: 'ops@coop.example',
  sesIdentity: 'coop.example',
  domainName: 'api.coop.example',
  certificateArn: 'arn:aws:acm:eu-west-3:123456789012:certificate/0b1c2d3e-aaaa-bbbb-cccc-000000000000',
});

const bucketOf = (s: Synthesized) => {
  const id = s.logicalId(s.stack.proofPhotos.bucket);
  return { id, bucket: s.resource(id), arn: { 'Fn::GetAtt': [id, 'Arn'] }, objects: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] } };
};

describe('the proof-photo bucket', () => {
  const { id, bucket, arn, objects } = bucketOf(dev);

  it('is private, owner-enforced (no ACLs), encrypted at rest, unversioned, and kept if the stack goes', () => {
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    expect(bucket.Properties.BucketName).toBeUndefined();
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('has a policy that refuses every request without TLS, or below TLS 1.2, and allows nobody anything', () => {
    const policies = Object.values(dev.resourcesOf('AWS::S3::BucketPolicy')).filter((policy) => JSON.stringify(policy.Properties.Bucket) === JSON.stringify({ Ref: id }));
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.Properties.PolicyDocument.Statement as Statement[];
    expect(statements.filter((statement) => statement.Effect !== 'Deny')).toEqual([]);
    expect(statements).toEqual([
      { Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Resource: [arn, objects], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Resource: [arn, objects], Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } },
    ]);
  });

  it('deletes a proof after the retention period and an upload no delivery used after a day', () => {
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: 'proofs-after-retention', Prefix: 'proofs/', ExpirationInDays: 180, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
      { Id: 'unused-uploads', Prefix: 'uploads/', ExpirationInDays: 1, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
    ]);
    expect([PROOF_RETENTION_DAYS, UPLOAD_RETENTION_DAYS]).toEqual([180, 1]);
    // The keys the service writes fall under those rules.
    const place = { tenantId: 'ten_01J', deliveryId: 'dlv_01J', photoId: 'pho_01J' };
    expect(uploadObjectKey(place).startsWith(UPLOAD_PREFIX)).toBe(true);
    expect(proofObjectKey(place).startsWith(PROOF_PREFIX)).toBe(true);
  });

  it("takes uploads (POST) and reads (GET) from the web app's origin only", () => {
    expect(bucket.Properties.CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [dev.logicalId(dev.stack.webApp.distribution), 'DomainName'] }]] }],
          AllowedMethods: ['POST', 'GET'],
          AllowedHeaders: ['Content-Type'],
          MaxAge: 3600,
        },
      ],
    });
  });
});

describe('who reaches the bucket', () => {
  for (const [stage, s] of [
    ['dev', dev],
    ['prod (every option)', prod],
  ] as const) {
    const { id, objects } = bucketOf(s);
    const mentionsBucket = (statement: Statement) => JSON.stringify(statement).includes(`"${id}"`);

    it(`${stage}: the API function may put, get and delete the bucket's objects, nothing else of S3`, () => {
      const api = s.stack.groupFunctions.api;
      const s3Statements = s.statementsOf(api).filter((statement) => asList(statement.Action).some((action) => action.startsWith('s3:')));
      expect(s3Statements).toEqual([{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], Resource: objects }]);
      expect(s.environmentOf(api).PROOF_PHOTOS_BUCKET).toEqual({ Ref: id });
    });

    it(`${stage}: no other function, and no other statement of the stack, names the bucket; no role may list it or change it`, () => {
      const api = s.logicalId(s.stack.groupFunctions.api);
      for (const [name, fn] of s.allFunctions()) {
        if (s.logicalId(fn) === api) continue;
        expect(s.actionsOf(fn).filter((action) => action.startsWith('s3:')), name).toEqual([]);
        expect(s.environmentOf(fn).PROOF_PHOTOS_BUCKET, name).toBeUndefined();
      }
      const apiRole = JSON.stringify({ Ref: s.logicalId(s.stack.groupFunctions.api.role!) });
      for (const [policyId, policy] of Object.entries(s.resourcesOf('AWS::IAM::Policy')) as [string, Resource][]) {
        const statements = policy.Properties.PolicyDocument.Statement as Statement[];
        if (statements.some(mentionsBucket)) expect((policy.Properties.Roles as unknown[]).map((role) => JSON.stringify(role)), policyId).toEqual([apiRole]);
        for (const statement of statements) {
          const actions = asList(statement.Action);
          // Nothing bucket-wide, no listing, no wildcard action on S3 in any role.
          expect(actions.filter((action) => action === 's3:*' || action === 's3:ListBucket' || action.startsWith('s3:PutBucket') || action.startsWith('s3:DeleteBucket')), policyId).toEqual([]);
          if (mentionsBucket(statement)) expect(asList(statement.Resource), policyId).toEqual([objects]);
        }
      }
    });
  }

  it('serves the routes that need it from the API function, which they declare', () => {
    for (const name of ['requestPhotoUpload', 'getProofPhoto'] as const) {
      expect(routes[name].needs).toEqual(['proofPhotos']);
      expect(functionGroupOf(routes[name])).toBe('api');
    }
  });
});
