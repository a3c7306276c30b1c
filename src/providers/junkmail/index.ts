import {randomBytes} from 'node:crypto'
import type {ProviderProfile} from '../provider-profile.js'
import {junkmailCatalog, junkmailTime, LOCAL_DOMAIN} from './catalog.js'
import {signPayload} from './sign-payload.js'

/** The JunkMail contract (`shared/spec/junkmail-webhooks.md`) as one provider profile. */
export const junkmail: ProviderProfile = {
  name: 'junkmail',
  displayName: 'JunkMail',
  catalog: junkmailCatalog,
  localDomain: LOCAL_DOMAIN,
  secretPrefix: 'whsec_',
  // Attempt 1 immediate, then 1 min, 5 min, 30 min, 2 h after the previous failure.
  retryDelaysMs: [60_000, 300_000, 1_800_000, 7_200_000],
  disableWhenExhausted: true,
  envelope: (type, data, timestamp) => ({event: type, timestamp, data}),
  headers: (body, secret, sentAt) => ({
    'Content-Type': 'application/json',
    'X-JunkMail-Signature': signPayload(body, secret),
    'X-JunkMail-Timestamp': String(sentAt),
  }),
  isoTime: junkmailTime,
}

/** A new webhook secret: `whsec_` and 24 random bytes as hex. */
export function generateSecret(prefix = junkmail.secretPrefix): string {
  return prefix + randomBytes(24).toString('hex')
}

export {signPayload} from './sign-payload.js'
