/** The courier's app (`/app/courier`): French first (every key), English second. Merged into messages.ts. */
export const courierFr = {
} as const;

export const courierEn: Partial<Record<keyof typeof courierFr, string>> = {
};
