import type {PresentedAttempt, PresentedDelivery} from '../emulator/present.js'
import {countdown, shortDuration} from './format-time.js'

/** What the row of an event needs from a delivery's last attempt. */
export interface LastAttempt {
  readonly status: number | null
  readonly durationMs: number | null
  readonly errorClass: string | null
}

/** A delivery as the viewer keeps it: the presented delivery and, once known, its last attempt. */
export type DeliveryView = PresentedDelivery & {readonly last: LastAttempt | null}

/** How a state reads: the colour it gets, or its marker without colour. */
export type Tone = 'ok' | 'fail' | 'off' | 'pending' | 'muted'

/** One delivery's state in a few characters: text, and the tone it is drawn in. */
export interface Badge {
  readonly text: string
  /** The same in fewer characters, for narrow terminals (`✗ 500 2/5 0:04`). */
  readonly short?: string
  readonly tone: Tone
  /** True while the text holds a countdown (it changes every second). */
  readonly ticking: boolean
}

/** The last attempt of an attempt list, as a row shows it. */
export function lastAttemptOf(attempt: Pick<PresentedAttempt, 'response' | 'durationMs' | 'errorClass'>): LastAttempt {
  return {status: attempt.response?.status ?? null, durationMs: attempt.durationMs, errorClass: attempt.errorClass}
}

const ERROR_WORDS: Readonly<Record<string, string>> = {
  timeout: 'timeout',
  connection_refused: 'refused',
  connection_reset: 'reset',
  dns: 'dns',
  network: 'network',
}

/** What failed, in a word: the status, or the error class. */
function failure(last: LastAttempt | null): string {
  if (!last) return 'failed'
  if (last.status !== null) return String(last.status)
  return ERROR_WORDS[last.errorClass ?? ''] ?? last.errorClass ?? 'error'
}

/**
 * A delivery's state as the list shows it: `✓ 200 4ms`, `✗ 500 2/5 next 0:04` (the countdown from
 * `nextAttemptAt` at `now`), `✗ 500 5/5 failed`, `⏸ disabled`, `… sending`, `– cancelled`. Without
 * colour the symbol becomes a marker that reads alone: `[200]`, `[ERR]`, `[OFF]`, `[...]`, `[--]`.
 */
export function deliveryBadge(d: DeliveryView, now: number, color: boolean): Badge {
  const mark = (symbol: string, marker: string, rest: string) => (color ? `${symbol} ${rest}` : `${marker} ${rest}`).trimEnd()
  switch (d.status) {
    case 'succeeded': {
      const status = d.last?.status ?? null
      const took = shortDuration(d.last?.durationMs)
      if (color) return {text: mark('✓', '', `${status ?? 'ok'} ${took}`), tone: 'ok', ticking: false}
      return {text: `[${status ?? 'OK'}] ${took}`.trimEnd(), tone: 'ok', ticking: false}
    }
    case 'failed': {
      const what = `${failure(d.last)} ${d.attemptCount}/${d.maxAttempts}`
      return {text: mark('✗', '[ERR]', `${what} failed`), short: mark('✗', '[ERR]', what), tone: 'fail', ticking: false}
    }
    case 'cancelled': {
      if (d.reason === 'webhook disabled') return {text: mark('⏸', '[OFF]', 'disabled'), tone: 'off', ticking: false}
      const why = d.reason === 'webhook deleted' ? 'deleted' : 'cancelled'
      return {text: mark('–', '[--]', why), tone: 'muted', ticking: false}
    }
    default: {
      if (d.attemptCount === 0) return {text: mark('…', '[...]', 'sending'), tone: 'pending', ticking: false}
      const due = d.nextAttemptAt ? Date.parse(d.nextAttemptAt) : Number.NaN
      const what = `${failure(d.last)} ${d.attemptCount}/${d.maxAttempts}`
      if (Number.isNaN(due)) return {text: mark('✗', '[ERR]', `${what} retrying`), short: mark('✗', '[ERR]', what), tone: 'fail', ticking: false}
      const left = countdown(due - now)
      return {text: mark('✗', '[ERR]', `${what} next ${left}`), short: mark('✗', '[ERR]', `${what} ${left}`), tone: 'fail', ticking: true}
    }
  }
}

/** The newest delivery to each webhook (a resend adds deliveries to the same event), in first-seen order. */
export function latestPerWebhook(deliveries: readonly DeliveryView[]): DeliveryView[] {
  const byWebhook = new Map<string, DeliveryView>()
  for (const d of deliveries) {
    const seen = byWebhook.get(d.webhookId)
    if (!seen || (d.createdAt ?? '') >= (seen.createdAt ?? '')) byWebhook.set(d.webhookId, d)
  }
  return [...byWebhook.values()]
}
