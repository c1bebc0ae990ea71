/** The hub's dispatch board (`/app/hub/dispatch`): French first (every key), English second. Merged into messages.ts. */
export const dispatchFr = {
} as const;

export const dispatchEn: Partial<Record<keyof typeof dispatchFr, string>> = {
};
