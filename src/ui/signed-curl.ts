import type {PresentedAttempt} from '../emulator/present.js'

/** `text` quoted for a POSIX shell: single quotes, each `'` written `'\''`. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

// Headers curl (or HTTP itself) sets: copying them would only conflict.
const SKIP = new Set(['host', 'content-length', 'connection', 'transfer-encoding'])

/**
 * A `curl` command that sends exactly what an attempt sent: its method and URL, its headers
 * (signature and timestamp included, so a receiver verifies it as it did then) and its body byte
 * for byte. A receiver that rejects old timestamps will reject it for that reason alone.
 */
export function signedCurl(attempt: Pick<PresentedAttempt, 'request' | 'number' | 'eventId' | 'sentAt'>): string {
  const {method, url, headers, body} = attempt.request
  const lines = [`# attempt ${attempt.number} of event ${attempt.eventId}, sent ${attempt.sentAt ?? 'at an unknown time'}`]
  const args = [`curl -sS -i -X ${method} ${shellQuote(url)}`]
  for (const [name, value] of Object.entries(headers)) {
    if (!SKIP.has(name.toLowerCase())) args.push(`-H ${shellQuote(`${name}: ${value}`)}`)
  }
  if (body === null) lines.push('# the body is no longer kept (the event was pruned): curl sends none')
  else args.push(`--data-binary ${shellQuote(body)}`)
  return `${lines.join('\n')}\n${args.join(' \\\n  ')}\n`
}
