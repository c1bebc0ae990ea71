import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Reasons for the cdk-nag findings this stack keeps on purpose (each acknowledged where it arises). */
export const acknowledged = {
  basicExecutionRole: {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      "AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs; it is AWS's maintained policy for exactly that, and a hand-written copy would add nothing.",
  },
  xrayWildcard: {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so their resource is "*". No data action has a wildcard.',
  },
  relayWildcard: {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Two actions support no resource-level permissions, so their resource is "*": active X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) and dynamodb:ListStreams, which Lambda requires to read the table stream and which lists stream ARNs, not data. Reading records is limited to this table\'s stream ARN; the relay has no table data access.',
  },
  runtime: {
    id: 'AwsSolutions-L1',
    reason:
      'nodejs22.x is a supported LTS runtime and the one the bundles are built and measured for (esbuild target node22); moving to nodejs24.x is a deliberate upgrade, not a lint fix.',
  },
  authenticatedByFunction: {
    id: 'AwsSolutions-APIG4',
    reason:
      'API keys are checked by the functions against the table (one GetItem on the key hash, with role checks from the route table); an API Gateway authorizer would add a round trip and a second place for the same rule.',
  },
  publicRoute: {
    id: 'AwsSolutions-APIG4',
    reason:
      'Public by the API contract: this route takes no API key (health check, OpenAPI document, recipient tracking by an unguessable link, rate-limited per link and per address, or the 404 answer for unknown routes).',
  },
  deadLetterQueue: {
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter queue of an EventBridge rule target; a dead-letter queue of a dead-letter queue would only move the same messages again.',
  },
  stripeSecretRotation: {
    id: 'AwsSolutions-SMG4',
    reason:
      "Stripe API keys and webhook signing secrets are issued and rolled in Stripe's dashboard; a rotation function cannot create them. Rolling a key is: roll it in Stripe, put the new value in this secret (README, Deploy to AWS).",
  },
  relayFailureQueue: {
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is itself the on-failure destination of the outbox relay's stream event source mapping; a dead-letter queue of a dead-letter queue would only move the same failure records again.",
  },
  webAppBucketAccessLogs: {
    id: 'AwsSolutions-S1',
    reason:
      "The web app's bucket is read by CloudFront alone (Origin Access Control) and holds only the app's build, which is public by nature; server access logs would need a log bucket of their own and would record nothing but CloudFront fetching files.",
  },
  distributionAccessLogs: {
    id: 'AwsSolutions-CFR3',
    reason:
      "The stack's access-log setup is the API's: every API request through the distribution reaches API Gateway, whose access log records it (request id, route template, status, latencies; no path, IP or user agent). CloudFront's own logs would go to an S3 bucket with ACLs, or to CloudWatch Logs only from us-east-1 (this stack is regional), and would add the paths and client IPs of the app's static files and the tracking links' tokens, which the API's log leaves out on purpose.",
  },
  distributionDefaultCertificate: {
    id: 'AwsSolutions-CFR4',
    reason:
      "The distribution answers on its *.cloudfront.net name with CloudFront's default certificate, whose TLS policy CloudFront sets and which cannot be changed; a custom name with an ACM certificate in us-east-1 (and TLSv1.2_2021) is the way to choose it. Origins are reached over TLS 1.2 only.",
  },
  distributionGeoRestriction: {
    id: 'AwsSolutions-CFR1',
    reason:
      'The cooperative works in Saint-Étienne, but recipients follow tracking links and tenants work from wherever they are (travelling, a VPN); the API authenticates and rate-limits its callers, so a country block would refuse legitimate people and stop no one.',
  },
  distributionWaf: {
    id: 'AwsSolutions-CFR2',
    reason:
      "No WAF web ACL: each route is throttled by API Gateway, public routes are rate-limited per link and per address in the application, sign-in per address and per e-mail, and the app's files are static. A web ACL (us-east-1 for CloudFront) costs a fixed monthly fee per ACL and per rule, out of proportion for this cooperative's traffic; it can be attached later without changing anything else.",
  },
  bucketDeploymentRuntime: {
    id: 'AwsSolutions-L1',
    reason:
      "The function behind CDK's BucketDeployment custom resource (aws s3 sync of the web app's build into its bucket, then a CloudFront invalidation) runs the Python runtime aws-cdk-lib chooses, upgraded with aws-cdk-lib; it runs only during deployments, on the build's files, never on a request.",
  },
  proofPhotosAccessLogs: {
    id: 'AwsSolutions-S1',
    reason:
      "The proof-photo bucket is reached only through URLs the API signs for one object and a few minutes, after its own authentication and tenancy checks, which its access log records (the route, the caller's status); S3 server access logs would need a log bucket of their own and would hold the photos' keys (tenant and delivery ids) past the photos' own retention.",
  },
} as const;

/**
 * The grant of `proofPhotos` (infra/capabilities.ts): put, get and delete on the objects of the
 * proof-photo bucket, which cdk-nag reads as a wildcard. One finding, as cdk-nag names it.
 */
export function proofPhotoObjectsFinding(bucketLogicalId: string): Finding {
  return {
    id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`,
    reason:
      'The objects of the proof-photo bucket alone (s3:PutObject, s3:GetObject, s3:DeleteObject): a photo\'s key is made per tenant, delivery and photo at run time, so the grant names the bucket\'s objects; nothing bucket-wide (no s3:ListBucket), no other bucket.',
  };
}

/**
 * What CDK's BucketDeployment grants its function (copying the web app's build into its bucket,
 * then invalidating the distribution): reading the deployment's objects in the CDK asset bucket,
 * writing and deleting the objects of the web app's bucket (`aws s3 sync --delete`), and
 * `cloudfront:CreateInvalidation`/`GetInvalidation`, which support no resource-level permissions.
 * The wildcards are CDK's action families (`s3:GetObject*`…) and the object keys of those two
 * buckets only; the function runs during deployments alone. One finding per wildcard, as cdk-nag
 * names them.
 */
export function bucketDeploymentFindings(props: { assetBucketObjects: string; destinationBucketLogicalId: string }): Finding[] {
  const reason =
    "CDK's BucketDeployment grants (aws s3 sync of the web app's build from the CDK asset bucket into its own bucket, with --delete, then a CloudFront invalidation): action families on the objects of those two buckets only, and cloudfront:CreateInvalidation/GetInvalidation, which support no resource-level permissions. The function runs only during deployments.";
  return [
    ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => `Action::${action}`),
    `Resource::${props.assetBucketObjects}`,
    `Resource::<${props.destinationBucketLogicalId}.Arn>/*`,
    'Resource::*',
  ].map((finding) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason }));
}

export type Finding = { id: string; reason: string };

export function acknowledge(scope: IConstruct, ...findings: Finding[]): void {
  for (const finding of findings) Validations.of(scope).acknowledge(finding);
}
