import {createHmac} from 'node:crypto'

/** `sha256=` + hex HMAC-SHA256 of the exact body, keyed with the secret as UTF-8: the JunkMail signature. */
export function signPayload(body: string | Buffer, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex')
}
