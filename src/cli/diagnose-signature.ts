import {createHmac, timingSafeEqual} from 'node:crypto'

/** Result of checking one signature. */
export interface SignatureCheck {
  readonly valid: boolean
  /** Why it failed, in words a person can act on; null when valid. */
  readonly reason: string | null
  /** The signature the payload, as given, should have carried. */
  readonly expected: string
}

/** The webhook secret prefixes of the providers (each provider's `secretPrefix`; a test keeps them the same). */
export const SECRET_PREFIXES = ['whsec_', 'sksec_'] as const

const sign = (payload: Buffer | string, secret: string): string => 'sha256=' + createHmac('sha256', secret).update(payload).digest('hex')

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Checks `sha256=<hex HMAC-SHA256(payload, secret)>` over the exact bytes and, when it does not
 * match, tries the usual mistakes to say which one was made.
 */
export function diagnoseSignature(payload: Buffer, signature: string, secret: string): SignatureCheck {
  const given = signature.trim()
  const expected = sign(payload, secret)
  if (same(given, expected)) return {valid: true, reason: null, expected}
  const fail = (reason: string): SignatureCheck => ({valid: false, reason, expected})

  if (/^[0-9a-f]{64}$/i.test(given) && same(`sha256=${given.toLowerCase()}`, expected))
    return fail('the signature is missing its "sha256=" prefix: compare the whole signature header value (X-JunkMail-Signature, X-Sendook-Signature)')
  if (!/^sha256=[0-9a-f]{64}$/.test(given)) return fail('the signature is not of the form sha256=<64 lowercase hex digits>: pass the signature header as received')

  const text = payload.toString('utf8')
  const trimmed = text.replace(/\s+$/, '')
  if (trimmed !== text && same(given, sign(trimmed, secret)))
    return fail('the payload has trailing whitespace (often a newline added when saving it to a file) that was not signed')
  try {
    const compact = JSON.stringify(JSON.parse(text))
    if (compact !== text && same(given, sign(compact, secret)))
      return fail('the body was re-serialised (pretty-printed or re-spaced) before checking: verify the raw body, or JSON.stringify(req.body) of the parsed body')
  } catch {
    // not JSON: nothing to re-serialise
  }
  for (const prefix of SECRET_PREFIXES) {
    if (secret.startsWith(prefix) && same(given, sign(payload, secret.slice(prefix.length))))
      return fail(`signed with the secret without its "${prefix}" prefix: the whole string, prefix included, is the key`)
    if (!secret.startsWith(prefix) && same(given, sign(payload, prefix + secret)))
      return fail(`the secret is missing its "${prefix}" prefix: the whole string, prefix included, is the key`)
  }
  return fail('wrong secret, or the body was changed: the signature covers the exact bytes sent, keyed with the webhook\'s secret as UTF-8')
}
