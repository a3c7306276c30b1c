import {z} from 'zod'
import type {Provider} from '../providers/provider.js'

/** True for an absolute http: or https: URL with a host. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}

/** C0 controls, DEL and C1 controls (some terminals read U+009B as an escape sequence). */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/

const requiredString = (what: string) =>
  z.string({error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`)})

/** Body of `POST /api/v1/webhooks`. */
export function createWebhookSchema(provider: Provider) {
  const known = provider.catalog.map((e) => e.type)
  return z.object(
    {
      url: requiredString('a string')
        .refine((u) => u.trim() === u, 'must not start or end with whitespace')
        // Checked on the string as sent: the URL parser silently drops TAB, CR and LF, and the
        // string is what gets stored and printed.
        .refine((u) => !CONTROL_CHARACTER.test(u), 'must not contain control characters (CR, LF, TAB, NUL, ESC, DEL…)')
        .refine(isHttpUrl, 'must be an absolute http(s) URL, e.g. https://example.com/webhooks'),
      events: z
        .array(requiredString('an event name (string)').refine((e) => known.includes(e), {
          error: (issue) => `unknown event "${String(issue.input)}"; known events: ${known.join(', ')}`,
        }), {error: (issue) => (issue.input === undefined ? 'is required' : 'must be a list of event names')})
        // One refinement rather than .min/.max: zod runs length checks even on a
        // non-array input (a string has a length), which would add noise to the
        // "must be a list" error.
        .superRefine((list, ctx) => {
          if (list.length < 1) ctx.addIssue({code: 'custom', message: 'must list at least one event'})
          else if (list.length > 10) ctx.addIssue({code: 'custom', message: 'must list at most 10 events'})
          else if (new Set(list).size !== list.length) ctx.addIssue({code: 'custom', message: 'must not contain duplicates'})
        }),
      secret: requiredString('a string').min(1, 'must not be empty').max(256, 'must be at most 256 characters').optional(),
    },
    {error: 'body must be a JSON object'},
  )
}

/** Body of `POST /_emulator/v1/events` (trigger). */
export const triggerSchema = z.object(
  {
    event: requiredString('an event name (string)'),
    webhookId: z.string({error: 'must be a string'}).optional(),
    set: z.record(z.string(), z.string({error: 'must be a string'}), {error: 'must be an object of field: text'}).optional(),
    wait: z.union([z.boolean(), z.literal('settled')], {error: 'must be true, false or "settled"'}).optional(),
    /** With wait "settled": how long to wait for every delivery to settle, ms. */
    timeoutMs: z.number({error: 'must be a number of ms'}).int({error: 'must be a whole number of ms'}).positive({error: 'must be above 0'}).optional(),
  },
  {error: 'body must be a JSON object'},
)

/** Body of `POST /_emulator/v1/wait`: one condition, and how long to wait for it. */
export const waitSchema = z
  .object(
    {
      event: z.string({error: 'must be an event name'}).optional(),
      count: z.number({error: 'must be a number'}).int({error: 'must be a whole number'}).positive({error: 'must be above 0'}).optional(),
      deliveryId: z.string({error: 'must be a delivery id'}).optional(),
      status: z.enum(['succeeded', 'failed', 'settled'], {error: 'must be succeeded, failed or settled'}).optional(),
      mailbox: z.string({error: 'must be an address or mailbox id'}).optional(),
      messages: z.number({error: 'must be a number'}).int({error: 'must be a whole number'}).positive({error: 'must be above 0'}).optional(),
      webhookId: z.string({error: 'must be a webhook id'}).optional(),
      disabled: z.literal(true, {error: 'must be true'}).optional(),
      timeoutMs: z.number({error: 'must be a number of ms'}).int({error: 'must be a whole number of ms'}).positive({error: 'must be above 0'}),
    },
    {error: 'body must be a JSON object'},
  )
  .refine((w) => [w.event, w.deliveryId, w.mailbox, w.webhookId].filter((x) => x !== undefined).length === 1, {
    error: 'give exactly one condition: event (with count), deliveryId (with status), mailbox (with messages) or webhookId (with disabled)',
  })

/** Body of `POST /_emulator/v1/events/:id/resend`. */
export const resendSchema = z
  .object(
    {webhookId: z.string({error: 'must be a string'}).optional(), wait: z.boolean({error: 'must be true or false'}).optional()},
    {error: 'body must be a JSON object'},
  )
  .optional()

/** Body of `POST /_emulator/v1/api-keys`. */
export const apiKeySchema = z.object(
  {scopes: z.array(z.string({error: 'must be a string'}), {error: 'must be a list of scopes'}), key: z.string().min(8).max(200).optional()},
  {error: 'body must be a JSON object'},
)

/** Query of list routes. */
export const listQuerySchema = z.object({
  limit: z.coerce.number({error: 'must be a number'}).int('must be a whole number').min(1, 'must be at least 1').max(100_000, 'must be at most 100000').optional(),
  type: z.string().optional(),
  webhookId: z.string().optional(),
  eventId: z.string().optional(),
  status: z.enum(['pending', 'succeeded', 'failed', 'cancelled']).optional(),
  failed: z.enum(['true', 'false']).optional(),
  /** An event (or attempt) id: only what is older (paging; a list's `next`). */
  before: z.string().optional(),
})

/** Body of `POST /api/v1/addresses` (all optional; an empty or absent body is fine). */
export const createAddressSchema = z
  .object(
    {
      localPart: z.string({error: 'must be a string'}).min(1, 'must not be empty').max(64, 'must be at most 64 characters').optional(),
      lifetime: z
        .number({error: 'must be a number of seconds'})
        .int('must be a whole number of seconds')
        .min(60, 'must be at least 60 seconds')
        .max(30 * 24 * 3600, 'must be at most 2592000 seconds (30 days)')
        .optional(),
    },
    {error: 'body must be a JSON object'},
  )
  .strict()
  .optional()
