import { changes, defineEntity, type Expression } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
import { isId } from '../ids.js';
import type { User } from './schemas.js';

/** People, listed per tenant (or `hub` for the cooperative's staff) on gsi1. */
export const users = defineEntity<User, Pick<User, 'id'>>({
  name: 'user',
  key: ({ id }) => ({ pk: `USER#${id}`, sk: 'USER' }),
  indexes: ({ id, tenantId }) => ({ gsi1pk: `USERS#${tenantId ?? 'hub'}`, gsi1sk: id }),
});

/** One person per e-mail address, across the platform: the marker is written with the user. */
export const userEmails = defineEntity<{ email: string; userId: string }, { email: string }>({
  name: 'user_email',
  key: ({ email }) => ({ pk: `USER#EMAIL#${email}`, sk: 'EMAIL' }),
});

export interface SignInLink {
  tokenHash: string;
  id: string;
  userId: string;
  createdAt: string;
  /** Epoch seconds. */
  expiresAt: number;
  usedAt?: string;
}

/** Sign-in links, by the hash of their token, single use, kept until they expire. */
export const signInLinks = defineEntity<SignInLink, Pick<SignInLink, 'tokenHash'>>({
  name: 'sign_in_link',
  key: ({ tokenHash }) => ({ pk: `SIGNIN#${tokenHash}`, sk: 'LINK' }),
  ttl: ({ expiresAt }) => expiresAt + 86_400,
});

export const userRepository = {
  /** A new person and their address's marker: refused when the address is taken. */
  create(user: User): TransactItem[] {
    return [users.create(user), userEmails.create({ email: user.email, userId: user.id })];
  },

  remove(user: User): TransactItem[] {
    return [users.delete(user), userEmails.delete({ email: user.email })];
  },

  async get(id: string): Promise<User | undefined> {
    if (!isId('user', id)) return undefined;
    return users.get({ id }, { consistent: true });
  },

  async findByEmail(email: string): Promise<User | undefined> {
    const marker = await userEmails.get({ email });
    return marker ? this.get(marker.userId) : undefined;
  },

  async list(scope: string): Promise<User[]> {
    return users.queryAll({ partition: { gsi1pk: `USERS#${scope}` } });
  },

  linkItem(link: SignInLink): TransactItem {
    return signInLinks.create(link);
  },

  /** Uses a link: once, before it expires (the condition says so), in the transaction that opens the session. */
  useLinkItem(tokenHash: string, now: Date): TransactItem {
    const usable: Expression = {
      expression: 'attribute_not_exists(usedAt) AND expiresAt > :now',
      values: { ':now': Math.floor(now.getTime() / 1000) },
    };
    return signInLinks.update({ tokenHash }, changes({ set: { usedAt: now.toISOString() } }), usable);
  },

  async getLink(tokenHash: string): Promise<SignInLink | undefined> {
    return signInLinks.get({ tokenHash }, { consistent: true });
  },
};
