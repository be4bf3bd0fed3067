import { type AuditFinding, type AuditProblem, startChainWalk } from '../consent/audit.js';
import { macMatches, type ResolvedAuditKey } from '../consent/audit-key.js';
import type { NumberHead } from '../consent/merkle.js';
import { type FoldableEvent, foldConsent } from '../consent/rules.js';
import type { ConsentEvent } from '../consent/types.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import type { NumberState } from '../store/contract.js';

/** What one number's audit looks at: its chain, its status row, its head at the checkpoint. */
export interface NumberEvidence {
  readonly phone: string;
  /** The number's chain as read, in `seq` order (duplicates next to each other). */
  readonly events: readonly ConsentEvent[];
  /** Its events on a migrated tenant chain (they count in the fold). */
  readonly legacy: readonly FoldableEvent[];
  readonly state: NumberState | undefined;
  /** Its head in the checkpoint, when one is checked (and its snapshot matched the root). */
  readonly checkpointed: NumberHead | undefined;
}

/** How one number's audit came out. */
export interface NumberAudit {
  readonly checked: number;
  readonly findings: AuditFinding[];
}

/**
 * Checks one number: its chain links and hashes (and MACs with a key), that it ends at the head kept
 * in the status row, that the status row is the fold of its events, and that it extends its
 * checkpointed head (the event at that place still has that hash).
 */
export function auditNumber(evidence: NumberEvidence, key: ResolvedAuditKey | undefined): NumberAudit {
  const { phone, events, state, checkpointed } = evidence;
  const findings: AuditFinding[] = [];
  const finding = (problem: AuditProblem, seq: number, eventId?: string) =>
    findings.push(omitUndefined({ seq, eventId, phone, problem }));
  const walk = startChainWalk();
  let chainBroken = false;
  for (const event of events) {
    const failed = walk.check(event);
    if (failed) {
      findings.push(failed);
      chainBroken = true;
      break;
    }
    if (key?.mac) {
      const covered = checkpointed !== undefined && event.seq <= checkpointed.seq;
      if (event.mac === undefined ? !covered : !macMatches(key, event.hash, event.mac)) {
        finding(event.mac === undefined ? 'mac_missing' : 'mac_invalid', event.seq, event.id);
      }
    }
  }
  const last = events.at(-1);
  if (!chainBroken) {
    const head = state?.head ?? null;
    if ((head?.seq ?? 0) !== (last?.seq ?? 0) || (last && head?.hash !== last.hash)) {
      finding('head_mismatch', Math.min(head?.seq ?? 0, last?.seq ?? 0) + 1, last?.id);
    }
  }
  if (checkpointed) {
    const at = events.find((event) => event.seq === checkpointed.seq);
    if (!at || (last?.seq ?? 0) < checkpointed.seq) finding('truncated', (last?.seq ?? 0) + 1);
    else if (at.hash !== checkpointed.hash) finding('checkpoint_mismatch', at.seq, at.id);
  }
  const fold = foldConsent<FoldableEvent>([...evidence.legacy, ...events]);
  const agrees =
    state !== undefined &&
    state.status === fold.status &&
    state.causeEventId === fold.cause?.id &&
    state.since === fold.cause?.occurredAt &&
    state.lastEventId === fold.lastEvent?.id;
  if (!agrees && (state !== undefined || events.length > 0 || evidence.legacy.length > 0)) {
    finding('status_mismatch', last?.seq ?? 0, state?.causeEventId ?? fold.cause?.id);
  }
  return { checked: walk.checked, findings };
}
