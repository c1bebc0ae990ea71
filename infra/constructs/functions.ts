import { resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { ManagedPolicy, Role, ServicePrincipal, type IRole, type PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, RuntimeFamily, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { lambdaBundling, pascalCase, projectRoot } from '../bundling.js';
import { capabilityEnvironment, capabilityStatements, type CapabilityResources } from '../capabilities.js';
import { lambdaRuntimeName } from '../node-version.js';
import { permissionProfileKey, type PermissionProfile } from '../permissions.js';
import { acknowledge, acknowledged, type Finding } from './acknowledgements.js';

/** The Lambda runtime of every function: the project's one Node.js major (`.node-version`). */
const lambdaRuntime = Runtime.ALL.find((candidate) => candidate.name === lambdaRuntimeName) ?? new Runtime(lambdaRuntimeName, RuntimeFamily.NODEJS, { supportsInlineCode: true });

const DEFAULT_MEMORY_MB = 512;
const DEFAULT_TIMEOUT_SECONDS = 10;

export interface FunctionOptions {
  /** The entry module, relative to the project root (or absolute: a generated router); also named in the description. */
  entry: string;
  /** What the function serves: `the api routes (41)`, `event rule audit-trail`… */
  serves: string;
  memoryMb?: number | undefined;
  timeoutSeconds?: number | undefined;
  /**
   * What the function may do: it runs with the execution role of this profile, shared with every
   * function of the same profile, and gets its capabilities' environment. Without a profile the
   * function gets a role of its own, which the caller grants (the outbox relay).
   */
  profile?: PermissionProfile | undefined;
  /** Why a role of its own has `Resource: *` statements (functions with a profile share the X-Ray reason). */
  wildcard?: Finding | undefined;
}

export interface LambdaFunctionsProps {
  /** Where the shared execution roles are made (the stack). */
  rolesScope: Construct;
  /** Every function's environment (table, bus, public base URL, stage, Powertools). */
  environment: Readonly<Record<string, string>>;
  logRetention: RetentionDays;
  /** What the capabilities are granted on. */
  capabilityResources: CapabilityResources;
  /** The table data statement of a profile with `tableData` (a new one each time: a statement belongs to one policy). */
  tableData: () => PolicyStatement;
}

/**
 * Makes every Lambda function of the stack the same way (Node.js runtime, arm64, X-Ray, its own
 * log group, the bundling of `infra/bundling.ts`), with the execution role of its permission
 * profile. Not a construct: each layer asks it for functions in its own scope.
 */
export class LambdaFunctions {
  /** Made on first use, one per profile key. */
  private readonly roles = new Map<string, Role>();

  constructor(private readonly props: LambdaFunctionsProps) {}

  /** The execution roles made so far, by permission profile key. */
  get executionRoles(): ReadonlyMap<string, IRole> {
    return this.roles;
  }

  create(scope: Construct, id: string, options: FunctionOptions): NodejsFunction {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: this.props.logRetention });
    const { profile } = options;
    const { environment } = this.props;
    const fn = new NodejsFunction(scope, id, {
      entry: resolve(projectRoot, options.entry),
      handler: 'handler',
      description: `${options.serves} (${options.entry})`.slice(0, 256),
      projectRoot,
      depsLockFilePath: resolve(projectRoot, 'package-lock.json'),
      runtime: lambdaRuntime,
      architecture: Architecture.ARM_64,
      memorySize: options.memoryMb ?? DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      tracing: Tracing.ACTIVE,
      logGroup,
      ...(profile ? { role: this.executionRole(profile) } : {}),
      environment: profile ? { ...environment, ...capabilityEnvironment(profile.needs, this.props.capabilityResources) } : { ...environment },
      // One source for the functions' esbuild options: the benchmark bundles with the same (infra/bundling.ts).
      bundling: { ...lambdaBundling, mainFields: [...(lambdaBundling.mainFields ?? [])] },
    });
    // A shared role carries its own acknowledgements (executionRole); a role of the function's own, here.
    if (profile) acknowledge(fn, acknowledged.runtime);
    else acknowledge(fn, acknowledged.basicExecutionRole, options.wildcard ?? acknowledged.xrayWildcard, acknowledged.runtime);
    return fn;
  }

  /**
   * The execution role of a permission profile, made on first use: its logs (AWS's basic
   * execution policy), the table's data if the profile has it, then each capability's grant.
   * Lambda adds X-Ray's statement for each function (once in the policy). Every function of the
   * profile runs with it; each still assumes it in a session of its own name, so CloudTrail
   * records which function made a call. Because the role is shared, never grant to one function
   * (`fn.addToRolePolicy`, `resource.grant…(fn)`): that would grant every function of the profile.
   * Grant through the profile instead (a capability in `shared/capabilities.ts`), or give the
   * function a role of its own, as the outbox relay has; tests/infra/permission-profiles.test.ts
   * fails on any permission a function does not get from its own profile.
   */
  private executionRole(profile: PermissionProfile): Role {
    const key = permissionProfileKey(profile);
    const existing = this.roles.get(key);
    if (existing) return existing;
    const role = new Role(this.props.rolesScope, `ExecutionRole${pascalCase(key)}`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Delivery Hub: execution role of every function of permission profile ${key} (infra/permissions.ts).`,
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    if (profile.tableData) role.addToPolicy(this.props.tableData());
    for (const statement of capabilityStatements(profile.needs, this.props.capabilityResources)) role.addToPolicy(statement);
    acknowledge(role, acknowledged.basicExecutionRole, acknowledged.xrayWildcard);
    this.roles.set(key, role);
    return role;
  }
}
