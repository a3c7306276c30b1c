import {junkmailCatcher} from './catcher.js'
import {randomBytes} from 'node:crypto'
import type {Provider} from '../provider.js'
import {junkmailCatalog, junkmailTime, LOCAL_DOMAIN} from './catalog.js'
import {checkRecipient, ingestMessage} from '../../emulator/mail-operations.js'
import {mailRoutes} from './mail-routes.js'
import {signPayload} from './sign-payload.js'
import {resourceTriggers} from './triggers.js'
import {webhookRoutes} from './webhook-routes.js'

/** The JunkMail contract (`shared/spec/junkmail-webhooks.md`) as one provider provider. */
export const junkmail: Provider = {
  name: 'junkmail',
  displayName: 'JunkMail',
  payloadKey: 'data',
  catalog: junkmailCatalog,
  localDomain: LOCAL_DOMAIN,
  secretPrefix: 'whsec_',
  // Attempt 1 immediate, then 1 min, 5 min, 30 min, 2 h after the previous failure.
  retryDelaysMs: [60_000, 300_000, 1_800_000, 7_200_000],
  // The contract: a webhook is disabled after one delivery has failed all five attempts.
  disableAfterFailedDeliveries: 1,
  attemptTimeoutMs: 10_000,
  apiPath: '/api/v1',
  routes(app, ctx) {
    webhookRoutes(app, ctx)
    mailRoutes(app, ctx)
  },
  triggers: resourceTriggers,
  catcher: junkmailCatcher,
  mail: {
    describe: (ctx) => `anything@${ctx.mail.localDomain}${ctx.mail.strictRecipients ? ', existing addresses only' : ''}`,
    recipient: checkRecipient,
    receive: ingestMessage,
  },
  envelope: (type, data, timestamp) => ({event: type, timestamp, data}),
  headers: (body, secret, sentAt) => ({
    'Content-Type': 'application/json',
    'X-JunkMail-Signature': signPayload(body, secret),
    'X-JunkMail-Timestamp': String(sentAt),
  }),
  isoTime: junkmailTime,
  signature: {header: 'X-JunkMail-Signature', always: true},
  outOfOrder: [['address.deleted', 'address.created'], ['email.deleted', 'email.received']],
}

/** A new webhook secret: `whsec_` and 24 random bytes as hex. */
export function generateSecret(prefix = junkmail.secretPrefix): string {
  return prefix + randomBytes(24).toString('hex')
}

export {signPayload} from './sign-payload.js'
