import type {IncomingHttpHeaders} from 'node:http'
import {isLoopbackHost} from '../emulator/loopback.js'
import {type ErrorBody, errorBody} from './api-error.js'

const NAME = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?$/i
const BRACKETED_IPV6 = /^\[[0-9a-f:.]+\]$/i

/** A host name or IP address in canonical form (`localhost`, `127.0.0.1`, `[::1]`), or null when `value` is not one. */
export function canonicalHost(value: string): string | null {
  const candidate = !value.startsWith('[') && value.includes(':') ? `[${value}]` : value
  if (!NAME.test(candidate) && !BRACKETED_IPV6.test(candidate)) return null
  try {
    return new URL(`http://${candidate}/`).hostname
  } catch {
    return null
  }
}

/** Parses `--allowed-hosts` (comma-separated names or addresses) into canonical form; throws naming an item that is not one. */
export function parseAllowedHosts(list: string | readonly string[]): string[] {
  const items = (typeof list === 'string' ? list.split(',') : list).map((item) => item.trim()).filter(Boolean)
  return items.map((item) => {
    const host = canonicalHost(item)
    if (host === null) throw new Error(`"${item}" is not a host name or IP address (give names or addresses without scheme or port, comma-separated)`)
    return host
  })
}

/** The DNS-rebinding check every request goes through first: the error to answer (bad Host or Origin), or null. */
export function hostCheck(listenHost: string, allowedHosts: readonly string[]): (headers: IncomingHttpHeaders, target: string) => ErrorBody | null {
  // Allowed as Host: loopback, the address the API listens on, `allowedHosts`; as Origin: http(s) on any of them.
  const allowed = new Set(allowedHosts)
  const listening = canonicalHost(listenHost)
  if (listening) allowed.add(listening)
  const isAllowed = (host: string) => isLoopbackHost(host) || allowed.has(host)
  const refuse = (host: string) =>
    errorBody(403, 'host_not_allowed', `Host ${host} is not allowed: junkmail answers requests addressed to localhost, 127.0.0.1, [::1], the address it listens on, or a name given to junkmail dev --allowed-hosts (JUNKMAIL_ALLOWED_HOSTS)`, 'Host')
  return (headers, target) => {
    const host = headers.host === undefined ? null : hostOfAuthority(headers.host)
    if (host === null) return errorBody(400, 'invalid_host', 'the Host header is missing or is not a host name or address with an optional port', 'Host')
    if (!isAllowed(host)) return refuse(host)
    // A request target in absolute form (`GET http://name/...`) names the host that counts.
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
      const named = hostOfUrl(target)
      if (named === null || !isAllowed(named)) return refuse(named ?? 'in the request line')
    }
    const origin = headers.origin
    if (origin !== undefined) {
      const url = parseUrl(origin)
      const fromHost = url && (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin.toLowerCase() ? canonicalHost(url.hostname) : null
      if (fromHost === null || !isAllowed(fromHost)) {
        return errorBody(403, 'origin_not_allowed', `Origin ${url?.origin ?? 'of this request'} is not allowed: only http(s) pages on an allowed host may call junkmail (no CORS)`, 'Origin')
      }
    }
    return null
  }
}

function hostOfAuthority(authority: string): string | null {
  const match = /^(\[[^\]]*\]|[^:[\]]*)(?::\d{1,5})?$/.exec(authority)
  return match ? canonicalHost(match[1]) : null
}

function hostOfUrl(text: string): string | null {
  const url = parseUrl(text)
  return url ? canonicalHost(url.hostname) : null
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text)
  } catch {
    return null
  }
}
