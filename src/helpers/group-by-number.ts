/** Anything that belongs to one phone number of one tenant. */
export interface OfNumber {
  readonly tenantId: string;
  readonly phone: string;
}

/**
 * The items grouped by (tenant, phone), each group in the order given and the groups in the order
 * their first item appears, so work on one number can run in order while numbers run side by side.
 */
export function groupByNumber<T extends OfNumber>(items: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = `${item.tenantId}\u0000${item.phone}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}
