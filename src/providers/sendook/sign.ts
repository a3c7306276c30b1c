import {createHmac} from 'node:crypto'

/**
 * `sha256=` + hex HMAC-SHA256 of the exact body, keyed with the webhook's secret: what `--sign`
 * adds as `X-Sendook-Signature` (the guide defines no signature; off by default).
 */
export function sendookSignature(body: string | Buffer, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex')
}
