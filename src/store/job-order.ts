import type { OutboxJob } from './contract.js';

/** The order in which jobs are claimed and listed: oldest `availableAt` first, then by id. */
export function compareJobs(a: OutboxJob, b: OutboxJob): number {
  return a.availableAt < b.availableAt ? -1 : a.availableAt > b.availableAt ? 1 : a.id < b.id ? -1 : 1;
}
