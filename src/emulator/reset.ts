import type {EmulatorContext} from './emulator-context.js'

/**
 * Wipes the emulator's state, keeping its servers, API keys and clock: webhooks, events,
 * deliveries, attempts, addresses and mail, a provider's resources (Sendook's inboxes and
 * messages), as one journal line; then the raw mail (its spool emptied). Attempts in flight finish unrecorded;
 * timers still set find nothing when they come.
 */
export async function resetEmulator(ctx: EmulatorContext): Promise<{removed: Record<string, number>}> {
  const before = ctx.store.counts()
  const resources = Object.values(ctx.store.resourceCounts()).reduce((a, b) => a + b, 0)
  const emails = ctx.store.reset()
  await ctx.store.commit()
  await Promise.all(emails.map((e) => ctx.mail.raw.detach(e.id).catch(() => {})))
  ctx.feed.append({kind: 'notice', code: 'reset', message: 'the emulator was reset: every webhook, event, delivery, attempt, address, mail and resource was removed'})
  return {
    removed: {webhooks: before.webhooks, events: before.events, deliveries: before.deliveries, attempts: before.attempts, addresses: before.addresses, emails: before.emails, resources},
  }
}
