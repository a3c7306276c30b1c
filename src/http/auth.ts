import type {FastifyReply, FastifyRequest} from 'fastify'
import type {Store} from '../store/store.js'
import {errorBody} from './api-error.js'

/** Scopes an API key can hold. `*` grants all of them. */
export const SCOPES = ['webhooks:manage', 'addresses:manage', 'emails:read', 'emails:manage'] as const

/** The full-access scope: every scope, and the only one that opens the emulator's own routes. */
export const FULL_ACCESS = '*'

/**
 * Checks `Authorization: Bearer <key>`: 401 when missing or unknown, 403 when the key lacks `scope`.
 * Returns false once it has answered.
 */
export function authorize(store: Store, request: FastifyRequest, reply: FastifyReply, scope: string): boolean {
  const header = request.headers.authorization
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  if (!match) {
    void reply
      .status(401)
      .header('WWW-Authenticate', 'Bearer')
      .send(errorBody(401, 'unauthorized', 'missing API key: send "Authorization: Bearer <api key>"', 'Authorization'))
    return false
  }
  const key = store.getApiKey(match[1])
  if (!key) {
    void reply.status(401).header('WWW-Authenticate', 'Bearer').send(errorBody(401, 'unauthorized', 'invalid API key', 'Authorization'))
    return false
  }
  if (!key.scopes.includes(FULL_ACCESS) && !key.scopes.includes(scope)) {
    const message = scope === FULL_ACCESS ? 'this route needs a full-access API key (scope *)' : `this API key lacks the ${scope} scope`
    void reply.status(403).send(errorBody(403, 'forbidden', message, 'Authorization'))
    return false
  }
  return true
}
