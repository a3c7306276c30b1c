import {createHmac, randomBytes} from 'node:crypto'
import {httpCall} from '../cli/http-call.js'
import type {Provider} from '../providers/provider.js'

/** How much a check matters: a MUST that fails fails the probe; SHOULD is advice; INFO only reports. */
export type CheckLevel = 'MUST' | 'SHOULD' | 'INFO'

/** What one check found. */
export interface CheckResult {
  readonly id: string
  readonly title: string
  readonly level: CheckLevel
  /** The class of answer expected, e.g. `2xx`, `4xx`. */
  readonly expected: string
  /** What came back, e.g. `401 in 2 ms`, `timeout after 10000 ms`. */
  readonly got: string
  readonly verdict: 'pass' | 'fail' | 'info' | 'skipped'
  /** One line of advice when it did not pass (or for information). */
  readonly advice: string | null
}

/** A whole probe. */
export interface ProbeReport {
  readonly url: string
  readonly provider: string
  readonly signed: boolean
  readonly startedAt: string
  readonly durationMs: number
  readonly checks: readonly CheckResult[]
  readonly summary: {readonly must: {passed: number; failed: number}; readonly should: {passed: number; failed: number}; readonly info: number; readonly skipped: number}
  /** No MUST failed. */
  readonly ok: boolean
}

export interface ProbeOptions {
  readonly url: string
  readonly secret: string
  readonly provider: Provider
  /** Event types to send valid deliveries of (default: the whole catalog). */
  readonly events?: readonly string[]
  /** Sign where the contract defines no signature (Sendook's `--sign`). */
  readonly sign?: boolean
  /** Check ids (or id prefixes such as `signature`) not to run. */
  readonly skip?: readonly string[]
  /** The endpoint's deadline, ms (default: the provider's attempt timeout). */
  readonly deadlineMs?: number
}

interface Answer {
  status: number | null
  ms: number
  error: string | null
}

/** The checks, as `--skip` names them (each id, or the prefix before its colon). */
export const CHECK_IDS = ['valid', 'signature', 'duplicate', 'unknown-event', 'out-of-order', 'raw-body', 'timestamp', 'deadline', 'large-payload', 'charset', 'get'] as const

const is2xx = (a: Answer) => a.status !== null && a.status >= 200 && a.status < 300
const is4xx = (a: Answer) => a.status !== null && a.status >= 400 && a.status < 500
const describe = (a: Answer) => (a.status === null ? `${a.error} after ${Math.round(a.ms)} ms` : `${a.status} in ${a.ms < 10 ? a.ms.toFixed(1) : Math.round(a.ms)} ms`)

/**
 * Tests a webhook endpoint the way an attacker and a flaky network would: valid signed events,
 * forged and tampered ones, duplicates, unknown and out-of-order events, a body that a
 * re-serialising verifier gets wrong, stale and future timestamps, its time to answer, a large
 * payload, a charset and a GET. Sends exactly the provider's envelope and headers, signed with
 * `secret`; needs no emulator.
 */
export async function runProbe(options: ProbeOptions): Promise<ProbeReport> {
  const {provider, url, secret} = options
  const started = performance.now()
  const startedAt = new Date().toISOString()
  const deadlineMs = options.deadlineMs ?? provider.attemptTimeoutMs
  const signed = provider.signature.always || options.sign === true
  const skip = new Set(options.skip ?? [])
  const skipped = (id: string) => skip.has(id) || skip.has(id.split(':')[0])
  const types = options.events?.length ? options.events : provider.catalog.map((e) => e.type)
  const checks: CheckResult[] = []
  const durations: number[] = []

  const send = async (body: string, headers: Record<string, string>, method = 'POST'): Promise<Answer> => {
    const t = performance.now()
    try {
      // A little more than the deadline: a slow answer is still seen (and judged against the deadline).
      // A connection of its own each time: a reset is then the endpoint's doing, not an idle keep-alive socket's.
      const answer = await httpCall(url, {method, headers: method === 'GET' ? {} : headers, body: method === 'GET' ? undefined : body, timeoutMs: deadlineMs + 1000, newConnection: true})
      const ms = performance.now() - t
      return {status: answer.status, ms, error: null}
    } catch (error) {
      const e = error as NodeJS.ErrnoException
      return {status: null, ms: performance.now() - t, error: e.name === 'TimeoutError' ? 'no answer' : (e.code ?? e.message)}
    }
  }
  const bodyOf = (type: string, data: Record<string, unknown>, at = Date.now()) => JSON.stringify(provider.envelope(type, data, at))
  const headersOf = (body: string, at = Date.now(), key = secret) => provider.headers(body, key, at, {sign: signed})
  const sample = (type: string) => provider.catalog.find((e) => e.type === type)!.sample(Date.now())
  const add = (r: Omit<CheckResult, 'advice'> & {advice?: string | null}) => checks.push({...r, advice: r.advice ?? null})
  // No answer at all (refused, reset, silent): most likely the endpoint crashed on an earlier request.
  const noAnswer = (a: Answer) => (a.status === null ? `no answer (${a.error}): is it running, or did an earlier request crash it? ` : '')
  const judge = (id: string, title: string, level: CheckLevel, expected: string, answer: Answer, ok: boolean, advice: string) =>
    add({id, title, level, expected, got: describe(answer), verdict: ok ? 'pass' : 'fail', advice: ok ? null : noAnswer(answer) + advice})

  // Valid deliveries, one per event type.
  const valid = new Map<string, {body: string; headers: Record<string, string>}>()
  for (const type of types) {
    const id = `valid:${type}`
    if (!provider.catalog.some((e) => e.type === type)) throw new RangeError(`unknown event "${type}"; known events: ${provider.catalog.map((e) => e.type).join(', ')}`)
    if (skipped(id)) {
      add({id, title: `a valid ${type}`, level: 'MUST', expected: '2xx', got: '-', verdict: 'skipped'})
      continue
    }
    const body = bodyOf(type, sample(type))
    const headers = headersOf(body)
    valid.set(type, {body, headers})
    const a = await send(body, headers)
    durations.push(a.ms)
    judge(id, `a valid ${type}`, 'MUST', '2xx', a, is2xx(a), `answer 2xx to every event you subscribe to, once its signature checks out${a.status === 401 || a.status === 403 ? ' (is the secret the webhook\'s, whole, prefix included?)' : ''}`)
  }
  const [firstType] = types
  const baseBody = valid.get(firstType)?.body ?? bodyOf(firstType, sample(firstType))
  const base = {body: baseBody, headers: headersOf(baseBody)}
  const header = provider.signature.header

  // Forged and tampered deliveries: never 2xx.
  if (signed) {
    const hmac = (body: string, key: string) => createHmac('sha256', key).update(body).digest('hex')
    const without = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => k.toLowerCase() !== header.toLowerCase()))
    const tampered = base.body.replace(/"([^"]{3,})"(\s*[,}])/, (_m, text: string, end: string) => `"${text.slice(0, -1)}${text.endsWith('x') ? 'y' : 'x'}"${end}`)
    const forgeries: Array<[string, string, string, Record<string, string>]> = [
      ['signature:wrong', 'a wrong signature', base.body, {...base.headers, [header]: `sha256=${randomBytes(32).toString('hex')}`}],
      ['signature:missing', `no ${header} header`, base.body, without(base.headers)],
      ['signature:other-secret', 'signed with another secret', base.body, {...base.headers, [header]: `sha256=${hmac(base.body, `${secret}-not-it`)}`}],
      ['signature:no-prefix', 'the right HMAC without "sha256="', base.body, {...base.headers, [header]: hmac(base.body, secret)}],
      ['signature:tampered', 'a changed body, the original signature', tampered, base.headers],
      ['signature:truncated', 'a cut body, the original signature', base.body.slice(0, -10), base.headers],
    ]
    for (const [id, title, body, headers] of forgeries) {
      if (skipped(id)) {
        add({id, title, level: 'MUST', expected: '4xx', got: '-', verdict: 'skipped'})
        continue
      }
      const a = await send(body, headers)
      judge(id, title, 'MUST', '4xx', a, is4xx(a), is2xx(a) ? `accepted: verify ${header} (sha256= and the HMAC-SHA256 of the raw body with your secret) and answer 401 when it does not match` : `answer 4xx (401) to a bad signature${a.status !== null && a.status >= 500 ? ', not 5xx: a 5xx is retried' : ''}`)
    }
  } else add({id: 'signature', title: 'forged signatures', level: 'MUST', expected: '4xx', got: '-', verdict: 'skipped', advice: `${provider.displayName} signs nothing by default; with --sign (dev --sign) the probe checks ${header}`})

  // The same delivery twice.
  if (!skipped('duplicate')) {
    const a = await send(base.body, base.headers)
    const b = await send(base.body, base.headers)
    add({id: 'duplicate', title: 'the same event delivered twice', level: 'SHOULD', expected: '2xx, 2xx', got: `${describe(a)}; ${describe(b)}`, verdict: is2xx(a) && is2xx(b) ? 'pass' : 'fail', advice: is2xx(a) && is2xx(b) ? 'both accepted: that it handled the event once cannot be seen from outside; keep the ids you processed' : noAnswer(a.status === null ? a : b) + 'a retry sends the same event again: answer 2xx and skip what you already handled'})
  }

  // An event type it does not know.
  if (!skipped('unknown-event')) {
    const body = JSON.stringify({...(JSON.parse(base.body) as Record<string, unknown>), event: 'probe.unknown_event'})
    const a = await send(body, headersOf(body))
    judge('unknown-event', 'an unknown event type', 'SHOULD', '2xx', a, is2xx(a), 'ignore events you do not handle with a 2xx: new ones may be added')
  }

  // Events out of order, about the same resource.
  if (!skipped('out-of-order')) {
    const pair = provider.outOfOrder.find(([later, earlier]) => [later, earlier].every((t) => provider.catalog.some((e) => e.type === t)))
    if (pair) {
      const [later, earlier] = pair
      const first = sample(earlier)
      const second = sample(later)
      for (const key of Object.keys(second)) if (key in first && /id$/i.test(key)) second[key] = first[key]
      const a = await send(bodyOf(later, second), headersOf(bodyOf(later, second)))
      const b = await send(bodyOf(earlier, first), headersOf(bodyOf(earlier, first)))
      const ok = is2xx(a) && is2xx(b)
      add({id: 'out-of-order', title: `${later} before ${earlier}`, level: 'SHOULD', expected: '2xx, 2xx', got: `${describe(a)}; ${describe(b)}`, verdict: ok ? 'pass' : 'fail', advice: ok ? null : `${noAnswer(a.status === null ? a : b)}deliveries can arrive out of order (a retry overtaken by a later event): answer 2xx${[a, b].some((x) => x.status !== null && x.status >= 500) ? ', never 5xx' : ''} and reconcile`})
    }
  }

  // A body that a verifier of JSON.stringify(req.body) gets wrong: escapes and a number that re-serialise differently.
  if (signed && !skipped('raw-body')) {
    const raw = base.body.replace(/\}$/, ',"probe":{"note":"caf\\u00e9 \\u2603","amount":1.0,"html":"\\u003cb\\u003e"}}')
    const a = await send(raw, headersOf(raw))
    judge('raw-body', 'a body whose re-serialisation differs (\\u00e9, 1.0)', 'SHOULD', '2xx', a, is2xx(a), 'verify the signature over the raw body bytes, not JSON.stringify(req.body): the re-serialised text differs from what was signed')
  }

  // Stale and future timestamps: the contracts set no tolerance.
  if (!skipped('timestamp')) {
    for (const [id, title, shift] of [['timestamp:stale', 'a timestamp 10 minutes old', -600_000], ['timestamp:future', 'a timestamp 10 minutes ahead', 600_000]] as const) {
      const at = Date.now() + shift
      const body = bodyOf(firstType, sample(firstType), at)
      const a = await send(body, headersOf(body, at))
      add({
        id,
        title,
        level: 'INFO',
        expected: 'your choice',
        got: describe(a),
        verdict: 'info',
        advice: is2xx(a)
          ? 'accepted: fine, the contract sets no tolerance; to refuse replays, keep a window wider than the retry schedule and remember ids'
          : noAnswer(a) || 'refused: retries re-send the original timestamp, so a window narrower than the retry schedule loses retried events',
      })
    }
  }

  // Time to answer, against the deadline.
  if (!skipped('deadline') && durations.length > 0) {
    const slowest = Math.max(...durations)
    const got = `slowest valid answer ${Math.round(slowest)} ms`
    add({id: 'deadline:must', title: `answers within the ${deadlineMs} ms deadline`, level: 'MUST', expected: `< ${deadlineMs} ms`, got, verdict: slowest < deadlineMs ? 'pass' : 'fail', advice: slowest < deadlineMs ? null : 'answer first (2xx), then do the work in the background: a late answer counts as a failure and is retried'})
    add({id: 'deadline:should', title: `answers within a fifth of it`, level: 'SHOULD', expected: `< ${Math.round(deadlineMs / 5)} ms`, got, verdict: slowest < deadlineMs / 5 ? 'pass' : 'fail', advice: slowest < deadlineMs / 5 ? null : 'queue the work and answer at once: a slow endpoint is one hiccup away from the deadline'})
  }

  // Large payload, a charset, a GET: reported.
  if (!skipped('large-payload')) {
    const big = base.body.replace(/\}$/, `,"probe":"${'x'.repeat(1024 * 1024)}"}`)
    const a = await send(big, headersOf(big))
    add({id: 'large-payload', title: 'a 1 MB payload', level: 'INFO', expected: '2xx (or 413)', got: describe(a), verdict: 'info', advice: is2xx(a) || a.status === 413 ? null : noAnswer(a) || 'a large mail makes a large event: accept it, or answer 413'})
  }
  if (!skipped('charset')) {
    const a = await send(base.body, {...base.headers, 'Content-Type': 'application/json; charset=utf-8'})
    add({id: 'charset', title: 'Content-Type with a charset', level: 'INFO', expected: '2xx', got: describe(a), verdict: 'info', advice: is2xx(a) ? null : noAnswer(a) || 'accept application/json with parameters (; charset=utf-8)'})
  }
  if (!skipped('get')) {
    const a = await send('', {}, 'GET')
    add({id: 'get', title: 'a GET', level: 'INFO', expected: '405 or 404', got: describe(a), verdict: 'info', advice: is2xx(a) ? 'a GET is answered 2xx: nothing wrong, but only POST carries events' : noAnswer(a) || null})
  }

  const count = (level: CheckLevel, verdict: string) => checks.filter((c) => c.level === level && c.verdict === verdict).length
  const summary = {
    must: {passed: count('MUST', 'pass'), failed: count('MUST', 'fail')},
    should: {passed: count('SHOULD', 'pass'), failed: count('SHOULD', 'fail')},
    info: checks.filter((c) => c.verdict === 'info').length,
    skipped: checks.filter((c) => c.verdict === 'skipped').length,
  }
  return {url, provider: provider.name, signed, startedAt, durationMs: Math.round(performance.now() - started), checks, summary, ok: summary.must.failed === 0}
}
