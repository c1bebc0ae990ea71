/** Hub-wide records (no tenant) are kept under this scope. */
export const HUB_SCOPE = 'hub';
