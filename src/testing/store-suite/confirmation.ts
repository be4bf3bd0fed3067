import { createConsentManager } from '../../manager/manager.js';
import { PHONE } from './fixtures.js';
import type { GroupKit } from './types.js';

/** The one confirmation text after an opt-out: used once, within its window. */
export function confirmationTests({ define, expect }: GroupKit): void {
  define(
    'of concurrent deliveries of one opt-out, on two managers, exactly one result claims the confirmation',
    async ({ store, consent, clock }) => {
      // Two managers on one store stand for two processes the provider's retries reach.
      const other = createConsentManager({ store, clock, defaultCountry: 'US' });
      const message = { from: PHONE, body: 'please stop texting me', messageId: 'SM-race' };
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, index) => (index % 2 ? other : consent).handleInbound(message)),
      );
      const replies = results.map((result) => result.reply).filter((reply) => reply !== undefined);
      expect(replies).toHaveLength(1);
      // Claimed, it is not pending: the store's own consume finds nothing.
      const now = clock.now().toISOString();
      expect(await store.consumeConfirmation('default', PHONE, replies[0] as string, now)).toBe(false);
      expect((await consent.handleInbound(message)).reply).toBeUndefined();
    },
  );

  define('a put-back confirmation is used up exactly once', async ({ store, consent, clock }) => {
    const inbound = await consent.handleInbound({
      from: PHONE,
      body: 'please stop texting me',
      messageId: 'SM-phrase',
    });
    expect(inbound.reply).toBeTypeOf('string');
    const text = inbound.reply as string;
    // The result claimed it in the opt-out's write; put back, it is pending in the store.
    expect(await store.consumeConfirmation('default', PHONE, text, clock.now().toISOString())).toBe(false);
    expect(await consent.releaseReply(inbound)).toBe(true);
    const now = clock.now().toISOString();
    expect(await store.consumeConfirmation('default', PHONE, 'Big sale!', now)).toBe(false);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.consumeConfirmation('default', PHONE, text, now)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.consumeConfirmation('default', PHONE, text, now)).toBe(false);
  });

  define('the confirmation expires after its window', async ({ store, consent, clock }) => {
    const inbound = await consent.handleInbound({ from: PHONE, body: 'Stop.', messageId: 'SM-folded' });
    expect(await consent.releaseReply(inbound)).toBe(true);
    clock.advance(5 * 60_000 + 1);
    expect(
      await store.consumeConfirmation('default', PHONE, inbound.reply ?? '', clock.now().toISOString()),
    ).toBe(false);
  });

  define('a confirmation whose send failed is pending again, once', async ({ store, consent, clock }) => {
    const inbound = await consent.handleInbound({
      from: PHONE,
      body: 'please stop texting me',
      messageId: 'SM-r',
    });
    const text = inbound.reply as string;
    const unreachable = () => Promise.reject(new Error('provider unreachable'));
    await expect(consent.sendChecked(PHONE, { body: text }, unreachable)).rejects.toThrow(
      'provider unreachable',
    );
    const now = clock.now().toISOString();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => store.consumeConfirmation('default', PHONE, text, now)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
}
