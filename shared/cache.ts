/**
 * A small time-bounded memo, per process (per Lambda container). Used for hub settings that
 * change rarely: a change reaches other containers within `ttlMs`.
 */
export function ttlCache<T>(ttlMs: number) {
  const entries = new Map<string, { value: Promise<T>; expiresAt: number }>();
  return {
    get(key: string, load: () => Promise<T>): Promise<T> {
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now) return hit.value;
      const value = load();
      entries.set(key, { value, expiresAt: now + ttlMs });
      // A failed load is not remembered.
      value.catch(() => entries.delete(key));
      return value;
    },
    clear(): void {
      entries.clear();
    },
  };
}
