import type {Happening} from '../feed/happening.js'
import {describeAttempt} from './describe-attempt.js'
import {oneLine} from './terminal-text.js'

/**
 * One log line for a happening, as `junkmail dev` and `junkmail watch` print them: its time
 * (`HH:MM:SS.mmm`, UTC), then what happened; control characters escaped, so it stays one line.
 */
export function happeningLine(h: Happening): string {
  return oneLine(`${h.time.slice(11, 23)}  ${describeHappening(h)}`)
}

function describeHappening(h: Happening): string {
  switch (h.kind) {
    case 'event.created': {
      const n = h.deliveries.length
      return `${h.event.type} ${h.event.id} (${h.event.source}) → ${n} webhook${n === 1 ? '' : 's'}`
    }
    case 'attempt.finished': {
      const a = h.attempt
      return `  ${a.eventType ?? a.eventId} → ${a.request.url}  ${describeAttempt(a, a.maxAttempts)}`
    }
    case 'delivery.cancelled': {
      const d = h.delivery
      return `  delivery ${d.id} of event ${d.eventId} → ${d.url}  cancelled: ${d.reason ?? 'no reason given'}`
    }
    case 'webhook.created':
      return `webhook ${h.webhook.id} created → ${h.webhook.url} (${h.webhook.events.join(', ')})`
    case 'webhook.deleted':
      return `webhook ${h.webhook.id} deleted`
    case 'webhook.enabled':
      return `webhook ${h.webhook.id} (${h.webhook.url}) enabled`
    case 'webhook.disabled':
      return `webhook ${h.webhook.id} (${h.webhook.url}) disabled: ${h.reason}. Re-enable it with: npx junkmail webhooks enable ${h.webhook.id}`
    case 'store.error':
      return `store error: ${h.message}`
    case 'store.recovered': {
      const n = h.rolledBackChanges
      return `store recovered: writing works again after ${formatSeconds(h.failedForMs / 1000)}; ${n} change${n === 1 ? ' was' : 's were'} refused meanwhile`
    }
    case 'notice':
    case 'warning':
      return `${h.kind}: ${h.message}`
  }
}

/** 1.5 → `1.5 s`, 0.0167 → `16.7 ms`. */
export function formatSeconds(s: number): string {
  return s >= 1 ? `${+s.toFixed(2)} s` : `${+(s * 1000).toFixed(1)} ms`
}
