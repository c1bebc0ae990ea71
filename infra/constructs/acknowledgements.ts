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
} as const;

export type Finding = { id: string; reason: string };

export function acknowledge(scope: IConstruct, ...findings: Finding[]): void {
  for (const finding of findings) Validations.of(scope).acknowledge(finding);
}
