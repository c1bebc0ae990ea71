import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.js';
import { db } from '../db/client.js';
import { withoutTableAttributes } from '../db/items.js';
import { keys } from '../db/keys.js';
import { queryPage, type Page, type PageRequest } from '../db/pagination.js';
import { isId } from '../ids.js';
import type { Courier } from './schemas.js';

const ENTITY = 'courier';

export function courierItem(courier: Courier): Record<string, unknown> {
  return { ...keys.courier(courier.id), ...keys.courierListing(courier.id), entity: ENTITY, ...courier };
}

export const courierRepository = {
  async get(courierId: string): Promise<Courier | undefined> {
    if (!isId('courier', courierId)) return undefined;
    const { Item } = await db().send(new GetCommand({ TableName: config.tableName, Key: keys.courier(courierId) }));
    return Item?.entity === ENTITY ? withoutTableAttributes<Courier>(Item) : undefined;
  },

  /** Every courier of the hub, oldest first (ULIDs sort by creation time): one Query on the listing index. */
  async list(page: PageRequest): Promise<Page<Courier>> {
    const result = await queryPage({ index: 'gsi1', partition: keys.courierListingPartition(), page });
    return { ...result, data: result.data.map((item) => withoutTableAttributes<Courier>(item)) };
  },
};
