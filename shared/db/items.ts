import { tableDefinition } from './table-definition.js';

/** The attributes that only serve the table (keys, index keys, the entity tag). */
const tableAttributes = new Set<string>([...tableDefinition.keyAttributes, 'entity']);

/** An item as the domain sees it: without the table's own attributes. */
export function withoutTableAttributes<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !tableAttributes.has(name))) as T;
}
