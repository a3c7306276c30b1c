import type {PresentedAttempt} from '../emulator/present.js'
import {oneLine} from './terminal-text.js'

/** One line about an attempt's outcome: `200 in 4 ms` or `failed: HTTP 500 …; next attempt 2/5 at …`. */
export function describeAttempt(a: Pick<PresentedAttempt, 'outcome' | 'response' | 'errorClass' | 'errorMessage' | 'durationMs' | 'nextAttemptAt' | 'number'>, totalAttempts: number): string {
  const took = a.durationMs === null ? '' : ` in ${a.durationMs} ms`
  if (a.outcome === 'success') return `${a.response?.status ?? ''} OK${took} (attempt ${a.number}/${totalAttempts})`
  const why = a.response ? `HTTP ${a.response.status}` : `${a.errorClass}${a.errorMessage ? ` (${oneLine(a.errorMessage)})` : ''}`
  const next = a.nextAttemptAt
    ? `; attempt ${a.number + 1}/${totalAttempts} in ${formatDelay(Date.parse(a.nextAttemptAt) - Date.now())}`
    : a.number >= totalAttempts
      ? '; no attempts left'
      : ''
  return `failed: ${why}${took} (attempt ${a.number}/${totalAttempts})${next}`
}

/** 1500 → `1.5s`, 42 → `42ms`, 90000 → `1m30s`. */
export function formatDelay(ms: number): string {
  if (ms < 0) ms = 0
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`
  const m = Math.floor(ms / 60_000)
  const s = Math.round((ms % 60_000) / 1000)
  return s ? `${m}m${s}s` : `${m}m`
}
