import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

export type LambdaHttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/**
 * One function serving several routes: API Gateway names the route an event matched
 * (`routeKey`: `POST /v1/deliveries`, or `$default` for the fallback), and the function hands
 * the event to that route's handler, the very module the route table names. The map is made
 * at bundling time from the route table (infra/bundling.ts), so no route is listed twice.
 */
export function httpRouter(handlers: Readonly<Record<string, LambdaHttpHandler>>): LambdaHttpHandler {
  return async (event, context) => {
    const handler = handlers[event.routeKey] ?? handlers.$default;
    if (!handler) throw new Error(`No handler for the route key '${event.routeKey}' in this function`);
    return handler(event, context);
  };
}
