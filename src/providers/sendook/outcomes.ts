// What happens to each recipient of a sent message. Sendook sends through Amazon SES, so the
// emulator plays SES's mailbox simulator (https://docs.aws.amazon.com/ses/latest/dg/send-an-email-from-console.html)
// and a tag on any address; the outcome comes back a short, time-scaled while after the send, as
// SES's notifications do.

/** SES's mailbox simulator domain. */
export const SIMULATOR_DOMAIN = 'simulator.amazonses.com'

/** Hosted time from the send to a recipient's outcome (delivered, bounced or rejected), ms; divided by the time scale. */
export const OUTCOME_DELAY_MS = 5_000
/** Hosted time from the delivery to the complaint of a recipient who marks the mail as spam, ms; divided by the time scale. */
export const COMPLAINT_DELAY_MS = 60_000

export type Outcome = 'delivered' | 'bounced' | 'complained' | 'rejected'

/** SES's simulator mailboxes (a `+label` after the name is allowed, as SES allows it). */
const SIMULATOR: Readonly<Record<string, Outcome>> = {
  success: 'delivered',
  bounce: 'bounced',
  complaint: 'complained',
  // SES treats an address on its suppression list as a hard bounce.
  suppressionlist: 'bounced',
  ooto: 'delivered',
}

/** A tag on any address: `jane+bounce@example.com`. */
const TAGS: Readonly<Record<string, Outcome>> = {bounce: 'bounced', complaint: 'complained', reject: 'rejected'}

/** The outcome of sending to this recipient: a simulator mailbox's, a tag's, or delivered. */
export function outcomeOf(recipient: string): Outcome {
  const address = recipient.trim().toLowerCase()
  const at = address.lastIndexOf('@')
  const local = at < 0 ? address : address.slice(0, at)
  const domain = at < 0 ? '' : address.slice(at + 1)
  const [name, ...tags] = local.split('+')
  if (domain === SIMULATOR_DOMAIN && Object.hasOwn(SIMULATOR, name)) return SIMULATOR[name]
  for (const tag of tags) if (Object.hasOwn(TAGS, tag)) return TAGS[tag]
  return 'delivered'
}

/**
 * The events an outcome fires and when (emulator ms), for a message sent at `sentAt`, each delay
 * through `scaled` (divided by the time scale): one event, or for a complaint the delivery then the complaint, as SES reports them.
 */
export function outcomeSteps(outcome: Outcome, sentAt: number, scaled: (ms: number) => number): Array<{event: string; at: number}> {
  const first = sentAt + scaled(OUTCOME_DELAY_MS)
  if (outcome !== 'complained') return [{event: `message.${outcome}`, at: first}]
  return [
    {event: 'message.delivered', at: first},
    {event: 'message.complained', at: first + scaled(COMPLAINT_DELAY_MS)},
  ]
}
