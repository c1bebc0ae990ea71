import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../shared/app/openapi.js';

/**
 * Checks a response against the published OpenAPI document, as an integrator's generated client
 * would: the operation must document the status, the content type, and (for JSON) the body must
 * match the schema. Every call the integration tests make goes through it (tests/helpers/runtime.ts),
 * so no status, field or type the API answers can escape the document.
 */
interface Operation {
  pattern: RegExp;
  method: string;
  template: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

let compiled: { ajv: InstanceType<typeof Ajv2020>; operations: Operation[] } | undefined;
const validators = new Map<string, ReturnType<InstanceType<typeof Ajv2020>['compile']>>();

function load() {
  if (compiled) return compiled;
  const document = JSON.parse(JSON.stringify(openApiDocument())) as {
    paths: Record<string, Record<string, { responses: Operation['responses'] }>>;
    components?: unknown;
  };
  // OpenAPI adds keywords JSON Schema does not know (`example`...): not strict about those.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  (addFormats as unknown as (instance: unknown) => void)(ajv);
  ajv.addSchema({ $id: 'openapi', ...document }, 'openapi');
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const [method, operation] of Object.entries(item)) operations.push({ pattern, method: method.toUpperCase(), template, responses: operation.responses });
  }
  compiled = { ajv, operations };
  return compiled;
}

export interface ValidatedResponse {
  method: string;
  path: string;
  status: number;
  contentType: string | null;
  text: string;
}

/** What the response does that the document does not say; empty when it conforms. */
export function responseProblems(response: ValidatedResponse): string[] {
  const { ajv, operations } = load();
  const path = response.path.split('?')[0] as string;
  const operation = operations.find((candidate) => candidate.method === response.method && candidate.pattern.test(path));
  const where = `${response.method} ${path} → ${response.status}`;
  if (!operation) {
    // No such operation: API Gateway's `$default` route answers, in the contract's error shape.
    if (response.status !== 404 && response.status !== 405) return [`${where}: an undocumented route answered something else than 404`];
    return [];
  }
  const documented = operation.responses[String(response.status)];
  if (!documented) return [`${where}: status ${response.status} is not documented for ${response.method} ${operation.template} (documented: ${Object.keys(operation.responses).join(', ')})`];
  const content = documented.content ?? {};
  if (response.text === '') return Object.keys(content).length === 0 || response.status === 204 ? [] : [`${where}: empty body where the document promises ${Object.keys(content).join(', ')}`];
  const mediaType = (response.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  // Media types compare without their parameters (`text/plain; charset=utf-8` is `text/plain`), case-insensitively.
  const entry = Object.entries(content).find(([type]) => type.split(';')[0]?.trim().toLowerCase() === mediaType);
  if (!entry) return [`${where}: content type ${mediaType || '(none)'} is not documented (documented: ${Object.keys(content).join(', ') || 'no body'})`];
  if (!mediaType.endsWith('json')) return [];
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return [`${where}: the body is not JSON`];
  }
  const pointer = `openapi#/paths/${escapePointer(operation.template)}/${response.method.toLowerCase()}/responses/${response.status}/content/${escapePointer(entry[0])}/schema`;
  let validate = validators.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: pointer });
    validators.set(pointer, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).slice(0, 5).map((error) => `${where}: body${error.instancePath} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`);
}
