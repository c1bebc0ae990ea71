import { Names, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Construct, RootConstruct, type IConstruct } from 'constructs';

/**
 * A part of the stack (its table, bus, API, consumers…), grouped for reading: a construct with a
 * clear input. Its resources keep the logical IDs they would have directly in the stack (the
 * stack leaves layers out of the path it names them from, `logicalIdWithoutLayers`), so moving a
 * resource into a layer, or between layers, changes nothing in the template: CloudFormation
 * would otherwise replace it, and a replaced table, queue or named bus loses its data or fails
 * the deployment. Two resources of a stack may therefore not share an id across layers (CDK
 * would then refuse two resources of one logical ID). IDs CDK derives from another construct's
 * unique ID (an EventBridge target's invoke permission, a queue policy's Sid) do change: those
 * resources are stateless and replaced in place, except a stream's event source mapping, which
 * would read the stream again from its start, so it is named with `uniqueIdWithoutLayers`.
 */
export class StackLayer extends Construct {}

const cache = new Map<string, string>();

/** CDK's unique ID of a path (`Names.uniqueId`, public), through a detached copy of it. */
function uniqueIdOfPath(path: readonly string[]): string {
  const key = path.join('/');
  let id = cache.get(key);
  if (id === undefined) {
    let scope: Construct = new RootConstruct();
    for (const component of path) scope = new Construct(scope, component);
    id = Names.uniqueId(scope);
    cache.set(key, id);
  }
  return id;
}

const withoutLayers = (scopes: readonly IConstruct[]) => scopes.filter((scope) => !(scope instanceof StackLayer)).map((scope) => scope.node.id);

/**
 * `Names.nodeUniqueId` of a construct as if no layer were on its path: for the few constructs
 * CDK names after another's unique ID (a stream event source is named after its table).
 */
export function uniqueIdWithoutLayers(construct: IConstruct): string {
  return uniqueIdOfPath(withoutLayers(construct.node.scopes.slice(1)));
}

/**
 * The logical ID CDK gives an element, computed from its path in the stack without the layers
 * (`Api/HttpApi/Resource` → the ID of `HttpApi/Resource`). CDK's own algorithm, reached through
 * its public `Names.uniqueId` on a detached copy of the path.
 */
export function logicalIdWithoutLayers(stack: Stack, element: CfnElement): string {
  const scopes = element.node.scopes;
  return uniqueIdOfPath(withoutLayers(scopes.slice(scopes.indexOf(stack) + 1)));
}
