import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { AwsSolutionsChecks } from 'cdk-nag';
import { webAppDistFromContext } from '../../infra/app.js';
import { projectRoot } from '../../infra/bundling.js';
import { API_PATH_PATTERNS, WEB_APP_PATH_PATTERN } from '../../infra/constructs/web-app.js';
import { defaultWebAppPaths } from '../../infra/web-build.js';
import { IMMUTABLE_CACHE_CONTROL, isClientRoute, REVALIDATE_CACHE_CONTROL, viewerRequestFunctionCode, WEB_APP_CSP } from '../../infra/web-app.js';
import { synth, type Resource, type Statement } from './template-helpers.js';

/**
 * The web app in AWS (`infra/constructs/web-app.ts`): a private bucket read by CloudFront alone,
 * and one distribution for the app and the API. Synthesized with a built app (the fixture Vite
 * output of the local serving tests) and without one (a machine where web/dist is missing).
 */
const FIXTURE_DIST = 'tests/fixtures/web-dist';
const built = synth({ webAppDist: FIXTURE_DIST });
const notBuilt = synth({ webAppDist: 'tests/fixtures/no-such-build' });

const distributionOf = (s: typeof built) => {
  const [[id, distribution]] = Object.entries(s.resourcesOf('AWS::CloudFront::Distribution')) as [[string, Resource]];
  return { id, config: distribution.Properties.DistributionConfig as Record<string, any> };
};

type Behaviour = Record<string, any>;

describe('the bucket', () => {
  const bucketId = built.logicalId(built.stack.webApp.bucket);
  const bucket: Resource = built.resource(bucketId);
  const { id: distributionId, config } = distributionOf(built);

  it("is one of the two buckets (the other the proof photos'): private, encrypted, owner-enforced, not versioned, kept if the stack goes", () => {
    expect(Object.keys(built.resourcesOf('AWS::S3::Bucket')).sort()).toEqual([bucketId, built.logicalId(built.stack.proofPhotos.bucket)].sort());
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it("is read by this distribution alone, through Origin Access Control, over TLS 1.2+ only", () => {
    const policies = Object.values(built.resourcesOf('AWS::S3::BucketPolicy')).filter((policy) => JSON.stringify(policy.Properties.Bucket) === JSON.stringify({ Ref: bucketId }));
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.Properties.PolicyDocument.Statement as Statement[];
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, `:distribution/`, { Ref: distributionId }]] },
          },
        },
      },
    ]);
    const denies = statements.filter((statement) => statement.Effect === 'Deny');
    expect(denies.map((deny) => deny.Condition)).toEqual([{ Bool: { 'aws:SecureTransport': 'false' } }, { NumericLessThan: { 's3:TlsVersion': 1.2 } }]);
    for (const deny of denies) expect(deny.Principal).toEqual({ AWS: '*' });

    const controls = Object.entries(built.resourcesOf('AWS::CloudFront::OriginAccessControl'));
    expect(controls).toHaveLength(1);
    const [controlId, control] = controls[0]!;
    expect(control.Properties.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    const s3Origins = (config.Origins as Behaviour[]).filter((origin) => origin.S3OriginConfig);
    expect(s3Origins).toEqual([
      expect.objectContaining({
        DomainName: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
        OriginAccessControlId: { 'Fn::GetAtt': [controlId, 'Id'] },
        S3OriginConfig: { OriginAccessIdentity: '' },
      }),
    ]);
  });
});

describe('the distribution', () => {
  const { config } = distributionOf(built);
  const origins = config.Origins as Behaviour[];
  const apiOrigin = origins.find((origin) => origin.CustomOriginConfig)!;
  const s3Origin = origins.find((origin) => origin.S3OriginConfig)!;
  const behaviours = new Map<string, Behaviour>((config.CacheBehaviors as Behaviour[]).map((behaviour) => [behaviour.PathPattern as string, behaviour]));
  const [[functionId, fn]] = Object.entries(built.resourcesOf('AWS::CloudFront::Function')) as [[string, Resource]];
  const [[headersId, headers]] = Object.entries(built.resourcesOf('AWS::CloudFront::ResponseHeadersPolicy')) as [[string, Resource]];
  const viewerRequest = [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } }];

  it('serves HTTP/2 and HTTP/3, over IPv6 too, with no error page of its own (the API keeps its 403 and 404)', () => {
    expect(config).toMatchObject({ Enabled: true, HttpVersion: 'http2and3', IPV6Enabled: true, PriceClass: 'PriceClass_100' });
    expect(config.CustomErrorResponses).toBeUndefined();
    expect(config.DefaultRootObject).toBeUndefined();
    expect(origins).toHaveLength(2);
  });

  it('puts the HTTP API behind it, over HTTPS and TLS 1.2', () => {
    expect(apiOrigin.DomainName).toEqual({ 'Fn::Join': ['', [{ Ref: built.logicalId(built.stack.api) }, '.execute-api.eu-west-3.', { Ref: 'AWS::URLSuffix' }]] });
    expect(apiOrigin.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
  });

  it('has a behaviour for the app and one for each of the API paths, in that order, and sends the rest to the API', () => {
    expect([...behaviours.keys()]).toEqual([WEB_APP_PATH_PATTERN, ...API_PATH_PATTERNS]);
    expect([...behaviours.keys()]).toEqual(['/app/*', '/v1/*', '/track/*', '/health']);
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe(apiOrigin.Id);
  });

  it('/app/*: the bucket, GET and HEAD only, cached by the files\' own Cache-Control, compressed, HTTPS by redirect, the SPA rewrite', () => {
    expect(behaviours.get('/app/*')).toEqual({
      PathPattern: '/app/*',
      TargetOriginId: s3Origin.Id,
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: CachePolicy.CACHING_OPTIMIZED.cachePolicyId,
      Compress: true,
      ViewerProtocolPolicy: 'redirect-to-https',
      FunctionAssociations: viewerRequest,
      ResponseHeadersPolicyId: { Ref: headersId },
    });
  });

  it('the API paths: not cached, every method, every viewer header but Host, every cookie and query string forwarded, HTTPS only', () => {
    for (const pattern of API_PATH_PATTERNS) {
      expect(behaviours.get(pattern), pattern).toMatchObject({
        TargetOriginId: apiOrigin.Id,
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
        OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
        ViewerProtocolPolicy: 'https-only',
        ResponseHeadersPolicyId: { Ref: headersId },
      });
      expect(behaviours.get(pattern)!.FunctionAssociations, pattern).toBeUndefined();
    }
    // The managed policies' ids, as AWS documents them: CachingDisabled, AllViewerExceptHostHeader.
    expect(CachePolicy.CACHING_DISABLED.cachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
  });

  it('the default behaviour: the API as its paths are, plus the redirect of / and /app to /app/', () => {
    expect(config.DefaultCacheBehavior).toMatchObject({
      TargetOriginId: apiOrigin.Id,
      CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
      OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
      ViewerProtocolPolicy: 'redirect-to-https',
      FunctionAssociations: viewerRequest,
      ResponseHeadersPolicyId: { Ref: headersId },
    });
  });

  it('adds the security headers: HSTS and nosniff always, frame-options, referrer policy and the CSP where the answer has none', () => {
    const config = headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(config).toEqual({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: false },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: false },
      ContentSecurityPolicy: { ContentSecurityPolicy: expect.anything(), Override: false },
    });
    const csp = config.ContentSecurityPolicy.ContentSecurityPolicy as string;
    const directives = new Map(csp.split(';').map((directive) => directive.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    // The phone uploads proof photos straight to the bucket, and the tenant's page shows them from it.
    expect(directives.get('connect-src')).toEqual(["'self'", `https://*.s3.${built.stack.region}.amazonaws.com`]);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:', `https://*.s3.${built.stack.region}.amazonaws.com`]);
    expect(csp).not.toContain('unsafe');
    expect(WEB_APP_CSP).not.toContain('unsafe');
  });

  it('has one viewer-request function: the code of infra/web-app.ts, on cloudfront-js-2.0, published', () => {
    expect(fn.Properties).toMatchObject({ AutoPublish: true, FunctionCode: viewerRequestFunctionCode, FunctionConfig: { Runtime: 'cloudfront-js-2.0' } });
  });
});

describe('the viewer-request function', () => {
  type Request = { method: string; uri: string; querystring: Record<string, { value: string; multiValue?: { value: string }[] }>; headers: Record<string, unknown> };
  const handler = new Function(`${viewerRequestFunctionCode}\nreturn handler;`)() as (event: { request: Request }) => any;
  const run = (uri: string, querystring: Request['querystring'] = {}) => handler({ request: { method: 'GET', uri, querystring, headers: {} } });

  it('leaves files alone: the hashed assets, and any path whose last segment has a dot', () => {
    for (const uri of ['/app/assets/index-abc123.js', '/app/assets/app-abc123.js', '/app/assets/index-Bx9_k.css', '/app/favicon.svg', '/app/index.html', '/app/robots.txt']) {
      expect(run(uri).uri, uri).toBe(uri);
    }
  });

  it('rewrites client routes under /app/ to /app/index.html', () => {
    for (const uri of ['/app/', '/app/deliveries', '/app/deliveries/123', '/app/deliveries/del_01J9ZQ/', '/app/settings/webhooks', '/app/assets']) {
      expect(run(uri).uri, uri).toBe('/app/index.html');
    }
  });

  it('redirects / and /app to /app/, the query string kept', () => {
    for (const uri of ['/', '/app']) {
      const response = run(uri);
      expect(response.statusCode, uri).toBe(302);
      expect(response.headers.location.value).toBe('/app/');
    }
    expect(run('/app', { lang: { value: 'en' }, tag: { value: 'a', multiValue: [{ value: 'a' }, { value: 'b' }] } }).headers.location.value).toBe('/app/?lang=en&tag=a&tag=b');
    // Other methods go on to the API (its 404), not to a redirect.
    const post = handler({ request: { method: 'POST', uri: '/', querystring: {}, headers: {} } });
    expect(post.statusCode).toBeUndefined();
    expect(post.uri).toBe('/');
  });

  it("passes the API's paths unchanged (those reaching the default behaviour)", () => {
    for (const uri of ['/v1/deliveries', '/health', '/track/abc', '/favicon.ico', '/application', '/apps/x']) {
      const request = run(uri);
      expect(request.uri, uri).toBe(uri);
      expect(request.statusCode).toBeUndefined();
    }
  });

  it('follows the same rule as the local runtime (isClientRoute)', () => {
    for (const uri of ['/app/', '/app/a', '/app/a.b', '/app/assets/x-1.js', '/app/deliveries/123', '/app/v1.2/notes']) {
      expect(run(uri).uri === '/app/index.html', uri).toBe(isClientRoute(uri));
    }
  });
});

describe('uploading the built app', () => {
  const deployments = Object.entries(built.resourcesOf('Custom::CDKBucketDeployment'));
  const bucketRef = { Ref: built.logicalId(built.stack.webApp.bucket) };
  const [assetsId, assets] = deployments.find(([, deployment]) => deployment.Properties.DestinationBucketKeyPrefix === 'app/assets/')!;
  const [, files] = deployments.find(([, deployment]) => deployment.Properties.DestinationBucketKeyPrefix === 'app/')!;

  it('uploads the hashed assets first, cached a year and never pruned (a page loaded before a deploy still finds its chunks)', () => {
    expect(deployments).toHaveLength(2);
    expect(assets.Properties).toMatchObject({ DestinationBucketName: bucketRef, Prune: false, SystemMetadata: { 'cache-control': IMMUTABLE_CACHE_CONTROL } });
    expect(assets.Properties.DistributionId).toBeUndefined();
  });

  it('then the other files, revalidated, pruned (the assets left out of the pruning), invalidating /app/* in the distribution', () => {
    expect(files.Properties).toMatchObject({
      DestinationBucketName: bucketRef,
      Prune: true,
      Exclude: expect.arrayContaining(['assets/*']),
      SystemMetadata: { 'cache-control': REVALIDATE_CACHE_CONTROL },
      DistributionId: { Ref: built.logicalId(built.stack.webApp.distribution) },
      DistributionPaths: ['/app/*'],
    });
    expect(files.DependsOn).toContain(assetsId);
  });

  it("keeps the upload function's logs as long as the stack's", () => {
    const uploader = Object.entries(built.resourcesOf('AWS::Lambda::Function')).find(([id]) => id.startsWith('CustomCDKBucketDeployment'))!;
    const logGroup = built.resource(uploader[1].Properties.LoggingConfig.LogGroup.Ref as string);
    expect(logGroup.Properties.RetentionInDays).toBe(30);
  });
});

describe('a machine where the app is not built', () => {
  it('synthesizes the bucket and the distribution, uploads nothing, and warns', () => {
    // The web app's and the proof photos'.
    notBuilt.template.resourceCountIs('AWS::S3::Bucket', 2);
    notBuilt.template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    notBuilt.template.resourceCountIs('Custom::CDKBucketDeployment', 0);
    notBuilt.template.resourceCountIs('AWS::Lambda::LayerVersion', 0);
    expect(notBuilt.stack.webApp.deployments).toEqual([]);
    const warnings = Annotations.fromStack(notBuilt.stack).findWarning('*', Match.stringLikeRegexp('The web app is not built'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0]!.entry.data)).toContain('no-such-build/index.html');
  });

  it('does not warn when the upload is left out on purpose (-c webAppDist=false), nor when the app is built', () => {
    const off = synth({ webAppDist: false });
    off.template.resourceCountIs('Custom::CDKBucketDeployment', 0);
    expect(Annotations.fromStack(off.stack).findWarning('*', Match.stringLikeRegexp('web app'))).toEqual([]);
    expect(Annotations.fromStack(built.stack).findWarning('*', Match.stringLikeRegexp('web app'))).toEqual([]);
  });

  it('reads -c webAppDist: web/dist by default, a folder relative to the project, or none', () => {
    expect(webAppDistFromContext(undefined)).toBe(defaultWebAppPaths.distDir);
    expect(defaultWebAppPaths.distDir).toBe(join(projectRoot, 'web', 'dist'));
    expect(webAppDistFromContext('tests/fixtures/web-dist')).toBe(join(projectRoot, 'tests/fixtures/web-dist'));
    expect(webAppDistFromContext('/srv/build')).toBe('/srv/build');
    for (const none of [false, 'false', 'none', '']) expect(webAppDistFromContext(none), String(none)).toBeUndefined();
    expect(() => webAppDistFromContext(42)).toThrow('webAppDist');
  });
});

describe('links and outputs', () => {
  it("links start with the distribution's URL; the outputs give it, the app's URL and the bucket", () => {
    const distributionUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [built.logicalId(built.stack.webApp.distribution), 'DomainName'] }]] };
    for (const [name, fn] of built.allFunctions()) expect(built.environmentOf(fn).PUBLIC_BASE_URL, name).toEqual(distributionUrl);
    expect(built.json.Outputs.DistributionUrl!.Value).toEqual(distributionUrl);
    expect(built.json.Outputs.PublicBaseUrl!.Value).toEqual(distributionUrl);
    expect(built.json.Outputs.WebAppUrl!.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [built.logicalId(built.stack.webApp.distribution), 'DomainName'] }, '/app/']] });
    expect(built.json.Outputs.WebAppBucketName!.Value).toEqual({ Ref: built.logicalId(built.stack.webApp.bucket) });
  });

  it("with the API's custom domain, links keep it, and the synthesis says that sign-in links then miss the app", () => {
    const withDomain = synth({ domainName: 'api.coop.example', certificateArn: 'arn:aws:acm:eu-west-3:123456789012:certificate/0b1c2d3e-aaaa-bbbb-cccc-000000000000' });
    for (const [name, fn] of withDomain.allFunctions()) expect(withDomain.environmentOf(fn).PUBLIC_BASE_URL, name).toBe('https://api.coop.example');
    expect(Annotations.fromStack(withDomain.stack).findWarning('*', Match.stringLikeRegexp('sign-in links'))).toHaveLength(1);
    expect(Annotations.fromStack(built.stack).findWarning('*', Match.stringLikeRegexp('sign-in links'))).toEqual([]);
  });
});

describe('cdk-nag (AWS Solutions)', () => {
  for (const [name, s] of [
    ['with the app uploaded', built],
    ['without it', notBuilt],
  ] as const) {
    it(`leaves no unacknowledged error or warning, ${name}`, () => {
      const report = new AwsSolutionsChecks().validateScope(s.app);
      const findings = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
      expect(findings, findings.join('\n')).toEqual([]);
    });
  }

  it('passes the validation run by synthesis, with the app uploaded (the path `cdk deploy` takes)', () => {
    const assembly = built.app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: { ruleName: string }[] }[];
    };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations.map((v) => `${plugin.pluginName} ${v.ruleName}`))).toEqual([]);
  });

  it('acknowledges each kept finding with a reason where it arises', () => {
    const acknowledgedIds = (path: string) => {
      const node = built.app.node.findAll().find((construct) => construct.node.path === path)!;
      return node.node.metadata.filter((entry) => entry.type === 'aws:cdk:acknowledged-rules').flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    };
    const distribution = acknowledgedIds(built.stack.webApp.distribution.node.path);
    expect(distribution.map(([id]) => id.replace(/^annotation::/i, '')).sort()).toEqual(['AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR3', 'AwsSolutions-CFR4']);
    for (const [id, reason] of distribution) expect(reason.length, id).toBeGreaterThan(80);
    expect(acknowledgedIds(built.stack.webApp.bucket.node.path).map(([id]) => id.replace(/^annotation::/i, ''))).toEqual(['AwsSolutions-S1']);
  });
});

describe("cdk synth's entry point (infra/app.ts, as the CLI runs it)", () => {
  it('writes the stack to the cloud assembly, the upload left out with -c webAppDist=false (no web build either)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
        cwd: projectRoot,
        env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], webAppDist: false }) },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
      const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string }> };
      expect(Object.entries(manifest.artifacts).filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack').map(([name]) => name)).toEqual(['DeliveryHub-dev']);
      const template = JSON.parse(readFileSync(join(outdir, 'DeliveryHub-dev.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
      const types = Object.values(template.Resources).map((resource) => resource.Type);
      expect(types).toContain('AWS::CloudFront::Distribution');
      expect(types).not.toContain('Custom::CDKBucketDeployment');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 150_000);
});
