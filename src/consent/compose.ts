import type { ConsentStatus, ConsentStatusValue } from './types.js';

/** What a conversation view shows for a lead: whether to offer the compose box, and what instead. */
export interface ComposeState {
  readonly canSend: boolean;
  /** Short label for the thread header, e.g. "Opted out of SMS". */
  readonly badge?: string;
  /** The sentence shown in place of the compose box. */
  readonly notice?: string;
}

/** The texts {@link composeState} shows; override them to translate. */
export interface ComposeTexts {
  readonly optedOutBadge: string;
  readonly optedOutNotice: string;
}

/** The English texts of the product brief. */
export const DEFAULT_COMPOSE_TEXTS: ComposeTexts = {
  optedOutBadge: 'Opted out of SMS',
  optedOutNotice:
    "This lead has opted out of SMS. You can't send messages until they text START to opt back in.",
};

/**
 * The thread UI model: an opted-out number gets the red badge and the notice instead of the compose
 * box; any other status can be written to.
 *
 * @example
 * const { canSend, badge, notice } = composeState(await consent.getStatus(lead.phone));
 */
export function composeState(
  status: ConsentStatusValue | Pick<ConsentStatus, 'status'>,
  texts: Partial<ComposeTexts> = {},
): ComposeState {
  const value = typeof status === 'string' ? status : status.status;
  if (value !== 'opted_out') return { canSend: true };
  return {
    canSend: false,
    badge: texts.optedOutBadge ?? DEFAULT_COMPOSE_TEXTS.optedOutBadge,
    notice: texts.optedOutNotice ?? DEFAULT_COMPOSE_TEXTS.optedOutNotice,
  };
}
