import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Token, type CfnElement } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  HSTS_MAX_AGE_SECONDS,
  IMMUTABLE_CACHE_CONTROL,
  REVALIDATE_CACHE_CONTROL,
  tileSource,
  webAppCsp,
  WEB_APP_PREFIX,
  viewerRequestFunctionCode,
} from '../web-app.js';
import { acknowledge, acknowledged, bucketDeploymentFindings } from './acknowledgements.js';
import { StackLayer } from './layer.js';

/** The API's paths, each a behaviour of its own (the default behaviour goes to the API too). */
export const API_PATH_PATTERNS = ['/v1/*', '/track/*', '/health'] as const;
/** The app's behaviour: the bucket, through Origin Access Control. */
export const WEB_APP_PATH_PATTERN = `${WEB_APP_PREFIX}*`;
/** Where the app's files are in the bucket: the same path as in the distribution. */
const BUCKET_PREFIX = WEB_APP_PREFIX.slice(1);
/** Vite's hashed output, inside the built app. */
const ASSETS_FOLDER = 'assets';
/** Vite's manifest (`build.manifest`): read by the bench, not served. */
const NOT_DEPLOYED = ['.vite', '.vite/*'];

export interface WebAppProps {
  stage: string;
  /** The HTTP API, the distribution's second origin. */
  api: HttpApi;
  /**
   * The built app (Vite's output, `web/dist/`) to upload, or `undefined` to leave the bucket's
   * files as they are. A folder without index.html is not uploaded either: the synthesis warns.
   */
  distDir: string | undefined;
  /** How long the upload function's logs are kept (the stack's retention). */
  logRetention: RetentionDays;
  /** The map's tile URL template (`-c mapTileUrl=…`): its server may serve the app images. */
  mapTileUrl?: string | undefined;
}

/**
 * The web app in AWS: its files in a private S3 bucket, served by a CloudFront distribution that
 * also puts the HTTP API behind the same origin, so the app calls `/v1/…` on its own origin and
 * the session cookie stays first-party.
 *
 * - `/app/*`: the bucket through Origin Access Control (the bucket is reachable by nothing else),
 *   cached with the files' own Cache-Control (hashed assets a year, the rest revalidated),
 *   compressed (gzip, brotli). A viewer-request function rewrites client routes
 *   (`/app/deliveries/123`) to `/app/index.html`: no distribution-wide error response, which would
 *   also turn the API's 403 and 404 into the app's page.
 * - `/v1/*`, `/track/*`, `/health`, and every other path (the default behaviour): the API, not
 *   cached, with every header but Host, every cookie and query string forwarded. The default
 *   behaviour's function redirects `/` and `/app` to `/app/`.
 * - HTTPS only (people's requests redirected, the API's refused over HTTP), HTTP/2 and HTTP/3,
 *   and security headers on every answer (HSTS, nosniff, frame-options, referrer policy, the
 *   app's CSP), each but HSTS and nosniff left to the API where it sets its own (the tracking
 *   page's CSP).
 */
export class WebApp extends StackLayer {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** The viewer-request function of the default and `/app/*` behaviours. */
  readonly viewerRequestFunction: CloudFrontFunction;
  readonly securityHeaders: ResponseHeadersPolicy;
  /**
   * The app's CSP in this deployment: the proof photos' bucket (any bucket of the stack's region
   * by its virtual-hosted name: naming the bucket itself would make a cycle, its CORS rule naming
   * this distribution) for uploads and reads, and the map's tile server when one is configured.
   */
  readonly csp: string;
  /** `https://<distribution domain>`, without a trailing slash. */
  readonly url: string;
  /** The uploads of this synthesis: the hashed assets, then the other files (none when not built). */
  readonly deployments: BucketDeployment[] = [];

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const buckets = `https://*.s3.${stack.region}.amazonaws.com`;
    const tiles = tileSource(props.mapTileUrl);
    this.csp = webAppCsp({ imageSources: [buckets, ...(tiles ? [tiles] : [])], connectSources: [buckets] });

    // The files are the build of a commit, rebuilt and uploaded whole by each deploy: versioning
    // would only keep every pruned file forever. Kept when the stack is deleted (CloudFormation
    // cannot delete a bucket that holds files); it holds nothing that is not in git.
    this.bucket = new Bucket(this, 'WebAppBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.bucket, acknowledged.webAppBucketAccessLogs);

    this.viewerRequestFunction = new CloudFrontFunction(this, 'WebAppViewerRequest', {
      comment: `Delivery Hub (${props.stage}): / and /app to /app/, client routes to /app/index.html`,
      code: FunctionCode.fromInline(viewerRequestFunctionCode),
      runtime: FunctionRuntime.JS_2_0,
    });

    this.securityHeaders = new ResponseHeadersPolicy(this, 'WebAppSecurityHeaders', {
      comment: `Delivery Hub (${props.stage}): security headers of the app and the API`,
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        // The API's own headers win where it sets them: the tracking page has a CSP of its own.
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: false },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: false },
        contentSecurityPolicy: { contentSecurityPolicy: this.csp, override: false },
      },
    });

    // The `$default` stage of the HTTP API, over HTTPS; its Host header is its own (API Gateway
    // routes on it), every other header, cookie and query string is the viewer's.
    const apiOrigin = new HttpOrigin(`${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    const apiBehaviour: BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.securityHeaders,
    };
    const viewerRequest = [{ function: this.viewerRequestFunction, eventType: FunctionEventType.VIEWER_REQUEST }];

    this.distribution = new Distribution(this, 'WebAppDistribution', {
      comment: `Delivery Hub (${props.stage}): the web app and the API`,
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      // Europe and North America: the cooperative's users are in France.
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: { ...apiBehaviour, viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS, functionAssociations: viewerRequest },
      additionalBehaviors: {
        [WEB_APP_PATH_PATTERN]: {
          origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: CachePolicy.CACHING_OPTIMIZED,
          compress: true,
          responseHeadersPolicy: this.securityHeaders,
          functionAssociations: viewerRequest,
        },
        ...Object.fromEntries(API_PATH_PATTERNS.map((pattern) => [pattern, apiBehaviour])),
      },
    });
    acknowledge(
      this.distribution,
      acknowledged.distributionAccessLogs,
      acknowledged.distributionDefaultCertificate,
      acknowledged.distributionGeoRestriction,
      acknowledged.distributionWaf,
    );
    this.url = `https://${this.distribution.distributionDomainName}`;

    if (props.distDir !== undefined) this.deploy(props.distDir, props.logRetention);
  }

  /**
   * Uploads the built app: first the hashed assets (`assets/`, cached a year, never pruned, so a
   * page loaded before a deploy can still load its lazy chunks), then the other files (index.html
   * and `public/`'s, revalidated; files gone from the build are deleted), whose upload invalidates
   * `/app/*` in the distribution. So a new index.html never points at assets not there yet.
   */
  private deploy(distDir: string, logRetention: RetentionDays): void {
    if (!existsSync(join(distDir, 'index.html'))) {
      Annotations.of(this).addWarningV2(
        'delivery-hub:web-app-not-built',
        `The web app is not built (${join(distDir, 'index.html')} is missing): its files are not uploaded by this deployment, and the distribution serves what an earlier one uploaded (nothing on a first deploy: /app answers 403). Build it (npm run build:web) and synthesize again; see docs/operations.md, "The web app".`,
      );
      return;
    }
    // The uploads share one function (CDK's singleton): its logs kept as long as the stack's.
    const logGroup = new LogGroup(this, 'WebAppUploadLogs', { retention: logRetention });
    const assets = join(distDir, ASSETS_FOLDER);
    if (existsSync(assets)) {
      this.deployments.push(
        new BucketDeployment(this, 'WebAppAssets', {
          sources: [Source.asset(assets)],
          destinationBucket: this.bucket,
          destinationKeyPrefix: `${BUCKET_PREFIX}${ASSETS_FOLDER}/`,
          cacheControl: [CacheControl.fromString(IMMUTABLE_CACHE_CONTROL)],
          prune: false,
          logGroup,
        }),
      );
    }
    const files = new BucketDeployment(this, 'WebAppFiles', {
      sources: [Source.asset(distDir, { exclude: [ASSETS_FOLDER, ...NOT_DEPLOYED] })],
      destinationBucket: this.bucket,
      destinationKeyPrefix: BUCKET_PREFIX,
      // Excluded from the sync, so also from its pruning: the assets are the other upload's.
      exclude: [`${ASSETS_FOLDER}/*`, ...NOT_DEPLOYED],
      cacheControl: [CacheControl.fromString(REVALIDATE_CACHE_CONTROL)],
      prune: true,
      distribution: this.distribution,
      distributionPaths: [WEB_APP_PATH_PATTERN],
      logGroup,
    });
    for (const earlier of this.deployments) files.node.addDependency(earlier);
    this.deployments.push(files);

    // CDK's function behind both uploads (a singleton at the stack's root): its findings, where it is.
    const stack = Stack.of(this);
    const handler = files.handlerRole.node.scope;
    if (!handler) throw new Error('BucketDeployment without a handler function');
    const qualifier = stack.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    acknowledge(
      handler,
      acknowledged.basicExecutionRole,
      acknowledged.bucketDeploymentRuntime,
      ...bucketDeploymentFindings({
        assetBucketObjects: `arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-${region}/*`,
        destinationBucketLogicalId: stack.getLogicalId(this.bucket.node.defaultChild as CfnElement),
      }),
    );
  }
}
