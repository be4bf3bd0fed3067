/** The tenant used when a call names none. */
export const DEFAULT_TENANT = 'default';
