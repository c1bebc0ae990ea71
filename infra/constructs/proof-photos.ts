import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { PROOF_PREFIX, PROOF_RETENTION_DAYS, UPLOAD_PREFIX, UPLOAD_RETENTION_DAYS } from '../../shared/proofs/limits.js';
import { acknowledge, acknowledged, proofPhotoObjectsFinding } from './acknowledgements.js';
import { StackLayer } from './layer.js';

export interface ProofPhotosProps {
  /** The web app's origin (`https://<distribution>`): the courier's phone uploads from there. */
  webAppOrigin: string;
}

/**
 * Proof-of-delivery photos: a private bucket (every public access blocked, objects owned by the
 * bucket's account, no ACLs), encrypted at rest (SSE-S3) and reached over TLS 1.2+ only. Phones
 * upload through presigned POST forms (one key, one type, at most 10 MB, 15 minutes) and people
 * read through presigned GETs (5 minutes), both signed by the API's functions, whose role may put,
 * get and delete the bucket's objects and nothing else (`proofPhotos` in infra/capabilities.ts).
 *
 * Nothing is kept longer than it is needed, by lifecycle rules on the two prefixes of
 * `shared/proofs/limits.ts`: an upload no delivery used goes after a day, a proof after the
 * retention period (180 days). No versioning: a deleted or expired photo is gone, as it should.
 * Kept when the stack is deleted (its lifecycle rules still empty it), like the table.
 */
export class ProofPhotos extends StackLayer {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: ProofPhotosProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'ProofPhotosBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'proofs-after-retention', prefix: PROOF_PREFIX, expiration: Duration.days(PROOF_RETENTION_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'unused-uploads', prefix: UPLOAD_PREFIX, expiration: Duration.days(UPLOAD_RETENTION_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // The web app posts the phone's photo from its own origin, and may fetch a proof to show it.
      cors: [{ allowedOrigins: [props.webAppOrigin], allowedMethods: [HttpMethods.POST, HttpMethods.GET], allowedHeaders: ['Content-Type'], maxAge: 3600 }],
    });
    acknowledge(this.bucket, acknowledged.proofPhotosAccessLogs);
  }

  /**
   * The execution roles granted the bucket's objects (profiles with `proofPhotos`): cdk-nag reads
   * `<bucket ARN>/*` as a wildcard, which is what "its objects, and no other bucket's" is.
   */
  acknowledgeObjectGrants(roles: ReadonlyMap<string, IRole>): void {
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as never);
    for (const [profile, role] of roles) {
      if (profile.split('+').includes('proofPhotos')) acknowledge(role, proofPhotoObjectsFinding(bucketId));
    }
  }
}
