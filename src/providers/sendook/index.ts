import type {Provider} from '../provider.js'
import {LOCAL_DOMAIN, sendookCatalog, sendookTime} from './catalog.js'
import {newObjectId} from './object-id.js'
import {sendookCatcher} from './catcher.js'
import {sendookMail} from './mail.js'
import {startOutcomes} from './operations.js'
import {sendookRoutes} from './routes.js'
import {sendookTriggers} from './triggers.js'
import {sendookSignature} from './sign.js'

/**
 * The Sendook contract (`shared/spec/sendook-webhooks.md`, the guide) as a provider, with its
 * server's routes and shapes (getrupt/sendook v0.1.2) where the guide is silent. Where they differ
 * the guide wins: retries at 5 s, 25 s and 125 s, a 5 s deadline, `inboxId` in every envelope
 * that has one.
 */
export const sendook: Provider = {
  name: 'sendook',
  displayName: 'Sendook',
  payloadKey: 'payload',
  catalog: sendookCatalog,
  localDomain: LOCAL_DOMAIN,
  secretPrefix: 'sksec_',
  // "Sendook will retry the webhook up to 3 times … (5s, 25s, 125s)".
  retryDelaysMs: [5_000, 25_000, 125_000],
  // "Repeated failures may result in your webhook being disabled": after 5 failed deliveries in a row here.
  disableAfterFailedDeliveries: 5,
  // "Your webhook endpoint must respond within 5 seconds."
  attemptTimeoutMs: 5_000,
  newId: () => newObjectId(),
  apiPath: '/v1',
  envelope: (type, data) => envelope(type, data),
  // What the server's axios client sends: no signature unless --sign.
  headers: (body, secret, _sentAt, {sign}) => ({
    Accept: 'application/json, text/plain, */*',
    'Content-Type': 'application/json',
    'User-Agent': 'axios/1.13.2',
    ...(sign ? {'X-Sendook-Signature': sendookSignature(body, secret)} : {}),
  }),
  isoTime: sendookTime,
  signature: {header: 'X-Sendook-Signature', always: false},
  outOfOrder: [['message.delivered', 'message.sent'], ['inbox.deleted', 'inbox.created']],
  routes: (app, ctx) => sendookRoutes(app, ctx),
  start: startOutcomes,
  triggers: sendookTriggers,
  mail: sendookMail as Provider['mail'],
  catcher: sendookCatcher,
}

/**
 * `{"event","messageId","inboxId","payload"}`, an id left out where it does not apply: a message
 * event names its message and inbox, an inbox event its inbox. `_id` follows `id` in the payload
 * (one is set with `--set id=…`, both must name the same resource).
 */
function envelope(type: string, data: Record<string, unknown>): Record<string, unknown> {
  const payload = typeof data.id === 'string' && '_id' in data && data._id !== data.id ? {...data, _id: data.id} : data
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
  const isInbox = type.startsWith('inbox.')
  const messageId = isInbox ? undefined : str(payload.id)
  const inboxId = isInbox ? str(payload.id) : str(payload.inboxId)
  return {event: type, ...(messageId ? {messageId} : {}), ...(inboxId ? {inboxId} : {}), payload}
}
