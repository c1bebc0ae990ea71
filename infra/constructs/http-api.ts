import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  DomainName,
  HttpApi,
  HttpIntegrationType,
  HttpMethod,
  HttpRoute,
  HttpRouteIntegration,
  HttpRouteKey,
  LogGroupLogDestination,
  PayloadFormatVersion,
  type CfnStage,
  type HttpRouteIntegrationBindOptions,
  type HttpRouteIntegrationConfig,
  type HttpStage,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { RouteName } from '../../shared/app/routes.js';
import { FALLBACK_GROUP, functionGroups, groupNeeds, type FunctionGroupName } from '../../shared/http/function-groups.js';
import { configurationOnly } from '../../shared/capabilities.js';
import { routeKey, type RouteDefinition } from '../../shared/http/route.js';
import { pascalCase, routesByGroup, writeRouterEntry } from '../bundling.js';
import { needsOf } from '../capabilities.js';
import { routeSettings, routeThrottle, stageThrottle, type Throttle } from '../throttling.js';
import { acknowledge, acknowledged } from './acknowledgements.js';
import type { LambdaFunctions } from './functions.js';
import { StackLayer } from './layer.js';

/**
 * The HTTP API, its `$default` stage (throttled, with access logs) and the optional custom
 * domain. Its routes come next (`HttpRoutes`), once the functions know the public base URL.
 */
export class HttpGateway extends StackLayer {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** The URL tracking and integration links start with: the custom domain's, else the API's. */
  readonly publicBaseUrl: string;
  /** The custom domain, when given. */
  readonly customDomain: DomainName | undefined;

  constructor(scope: Construct, id: string, props: { stage: string; logRetention: RetentionDays; customDomain?: { domainName: string; certificateArn: string } | undefined }) {
    super(scope, id);
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `delivery-hub-${props.stage}`,
      description: 'Delivery Hub HTTP API: one route per entry of shared/app/routes.ts.',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', { retention: props.logRetention });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // Each route's own bucket is set by HttpRoutes (route settings); this is the default of each.
      throttle: { burstLimit: stageThrottle.burstLimit, rateLimit: stageThrottle.rateLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          // No personal data and no secrets: the route's template (`GET /v1/track/{token}`), not
          // the path, which would write every tracking link (a bearer capability) to the logs; no
          // client IP or user agent (personal data; the per-IP rate limit needs no log). The request
          // id joins a line to the function's own log lines (tenant, key id, status, latency).
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            httpMethod: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    // Optional custom domain: links then start with it (the execute-api URL keeps working).
    if (props.customDomain) {
      this.customDomain = new DomainName(this, 'CustomDomain', {
        domainName: props.customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'CustomDomainCertificate', props.customDomain.certificateArn),
      });
      new ApiMapping(this, 'CustomDomainMapping', { api: this.api, domainName: this.customDomain, stage: this.stage });
    }
    this.publicBaseUrl = props.customDomain ? `https://${props.customDomain.domainName}` : this.api.apiEndpoint;
  }
}

/**
 * A Lambda proxy integration shared by the routes of one function: unlike `HttpLambdaIntegration`,
 * it adds no invoke permission per route (the function has one for the whole API), so an added
 * route costs one API Gateway route, nothing more.
 */
class GroupLambdaIntegration extends HttpRouteIntegration {
  constructor(
    id: string,
    private readonly fn: IFunction,
  ) {
    super(id);
  }

  bind(_options: HttpRouteIntegrationBindOptions): HttpRouteIntegrationConfig {
    return { type: HttpIntegrationType.AWS_PROXY, uri: this.fn.functionArn, payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 };
  }
}

/**
 * The route table on the gateway. HTTP routes run in a few functions shaped by workload
 * (`shared/http/function-groups.ts`), each routing on the route key to its routes' handlers;
 * API Gateway has one route per entry of the table, each pointing at its group's one
 * integration, and a throttle of its own. So an added route adds one API Gateway route and
 * nothing else, and least privilege holds per group: its routes' needs, table access only if one
 * of them reads data.
 */
export class HttpRoutes extends StackLayer {
  /** The function each route runs in (its function group's). */
  readonly routeFunctions: Readonly<Record<RouteName, NodejsFunction>>;
  /** One function per function group. */
  readonly groupFunctions: Readonly<Record<FunctionGroupName, NodejsFunction>>;
  /** The API Gateway throttle of each route key (`$default` included). */
  readonly routeThrottles: ReadonlyMap<string, Throttle>;
  /** The watched routes (`watched: true`): detailed metrics on, a 5xx alarm each (Observability). */
  readonly watchedRoutes: ReadonlyArray<{ name: RouteName; routeKey: string }>;

  constructor(scope: Construct, id: string, props: { gateway: HttpGateway; functions: LambdaFunctions; routes: Readonly<Record<RouteName, RouteDefinition>> }) {
    super(scope, id);
    const { gateway, functions } = props;
    const routeFunctions = {} as Record<RouteName, NodejsFunction>;
    const groupFunctions = {} as Record<FunctionGroupName, NodejsFunction>;
    const routeThrottles = new Map<string, Throttle>();
    const httpRoutes: HttpRoute[] = [];
    for (const [group, members] of routesByGroup(props.routes)) {
      const settings = functionGroups[group];
      // A group's own needs reach every route of it: configuration only, never a permission.
      const granting = groupNeeds(group).filter((capability) => !configurationOnly.has(capability));
      if (granting.length > 0) throw new Error(`Function group ${group} needs ${granting.join(', ')}: a capability that grants a permission is declared on the routes that need it, not on their group.`);
      const fn = functions.create(this, `${pascalCase(group)}RoutesFn`, {
        entry: writeRouterEntry(group, members),
        serves: `${settings.description} ${members.length} route(s)${group === FALLBACK_GROUP ? ' and $default' : ''}`,
        memoryMb: settings.memoryMb,
        timeoutSeconds: settings.timeoutSeconds,
        profile: { tableData: members.some(({ route }) => route.readsData !== false), needs: needsOf({ needs: [...groupNeeds(group), ...members.flatMap(({ route }) => needsOf(route))] }) },
      });
      // One permission for the whole API, not one per route.
      fn.addPermission('InvokedByHttpApi', {
        principal: new ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: Stack.of(this).formatArn({ service: 'execute-api', resource: gateway.api.apiId, resourceName: '*/*' }),
      });
      const integration = new GroupLambdaIntegration(`${pascalCase(group)}RoutesIntegration`, fn);
      groupFunctions[group] = fn;
      for (const { name, route } of members) {
        routeThrottles.set(routeKey(route), routeThrottle(route, route.readsData !== false));
        const httpRoute = new HttpRoute(this, `${pascalCase(name)}Route`, { httpApi: gateway.api, routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]), integration });
        acknowledge(httpRoute, route.roles === 'public' ? acknowledged.publicRoute : acknowledged.authenticatedByFunction);
        httpRoutes.push(httpRoute);
        routeFunctions[name] = fn;
      }
      if (group === FALLBACK_GROUP) {
        // Answers unknown routes with the contract's 404: no data, no events.
        const fallbackHttpRoute = new HttpRoute(this, 'FallbackRoute', { httpApi: gateway.api, routeKey: HttpRouteKey.DEFAULT, integration });
        acknowledge(fallbackHttpRoute, acknowledged.publicRoute);
        httpRoutes.push(fallbackHttpRoute);
        // The 404 answers from code: the stage default.
        routeThrottles.set(HttpRouteKey.DEFAULT.key, routeThrottle({ roles: 'public' }, false));
      }
    }
    this.routeFunctions = routeFunctions;
    this.groupFunctions = groupFunctions;
    this.routeThrottles = routeThrottles;
    this.watchedRoutes = (Object.entries(props.routes) as [RouteName, RouteDefinition][]).filter(([, route]) => route.watched).map(([name, route]) => ({ name, routeKey: routeKey(route) }));

    // Per-route throttling and detailed metrics, keyed by route key. The stage must come after its
    // routes: API Gateway refuses settings for a route key that does not exist yet.
    const cfnStage = gateway.stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = routeSettings(routeThrottles, new Set(this.watchedRoutes.map((watched) => watched.routeKey)));
    for (const httpRoute of httpRoutes) gateway.stage.node.addDependency(httpRoute);
  }
}
