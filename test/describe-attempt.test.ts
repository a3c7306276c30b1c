import {describe, expect, it} from 'vitest'
import {describeAttempt, formatDelay} from '../src/cli/describe-attempt.js'

describe('describeAttempt and formatDelay (the CLI\'s one-line attempt outcome)', () => {
  it('formatDelay: ms under a second, seconds with one decimal under a minute, then minutes and seconds', () => {
    expect([-5, 0, 42.4, 999, 1000, 1500, 59_949, 60_000, 90_000, 7_200_000].map(formatDelay)).toEqual(['0ms', '0ms', '42ms', '999ms', '1.0s', '1.5s', '59.9s', '1m', '1m30s', '120m'])
  })

  it('a success, a failure with a next attempt, and the last failed attempt', () => {
    const base = {durationMs: 4.1, errorClass: null, errorMessage: null, nextAttemptAt: null, response: {status: 200, headers: {}, body: '', bodyTruncated: false}}
    expect(describeAttempt({...base, outcome: 'success', number: 1}, 5)).toBe('200 OK in 4.1 ms (attempt 1/5)')
    const next = new Date(Date.now() + 90_000).toISOString()
    expect(describeAttempt({...base, outcome: 'failure', number: 4, errorClass: 'timeout', errorMessage: 'no answer in 10000 ms', response: null, nextAttemptAt: next}, 5)).toMatch(
      /^failed: timeout \(no answer in 10000 ms\) in 4\.1 ms \(attempt 4\/5\); attempt 5\/5 in 1m(29|30)s$/,
    )
    expect(describeAttempt({...base, outcome: 'failure', number: 5, errorClass: 'http_status', response: {...base.response, status: 503}}, 5)).toBe('failed: HTTP 503 in 4.1 ms (attempt 5/5); no attempts left')
  })
})
