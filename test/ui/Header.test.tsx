import {describe, expect, it} from 'vitest'
import {Header, headerLines, maskKey} from '../../src/ui/Header.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {renderWithTools} from './support/render-viewer.js'

const text = (lines: ReturnType<typeof headerLines>) => lines.map((parts) => parts.map((p) => p.text).join(''))

describe('Header', () => {
  it('masks the API key: its first 4 and last 2 characters; a short one entirely', () => {
    expect(maskKey('jm_test_local')).toBe('jm_t••••al')
    expect(maskKey('short')).toBe('•••••')
  })

  it('open: API URL, key masked, SMTP host:port, store, time scale, provider and counts; folded: one line', () => {
    const status = new FakeEmulator().status()
    const open = text(headerLines({status, apiKey: 'jm_test_local', connection: {state: 'connected', fresh: true}, title: 'watch', open: true, width: 100, storeError: null}))
    expect(open).toHaveLength(4)
    expect(open[0]).toBe(' junkmail watch  ● connected  0 events · 0 webhooks · 0 pending')
    expect(open[1]).toBe('  API http://127.0.0.1:7380/api/v1   key jm_t••••al   SMTP 127.0.0.1:7325')
    expect(open[2]).toContain('store .junkmail   time ×60 (1 min of retry delay → 1 s)   provider junkmail')
    expect(open[3]).toContain('0 addresses · 0 emails')
    const folded = text(headerLines({status: {...status, smtp: null, inMemory: true, timeScale: 3600}, apiKey: 'k', connection: null, open: false, width: 60, storeError: 'EIO'}))
    expect(folded).toEqual([' junkmail  … connecting  0 events · 0 webhooks · 0 pending  store cannot write: EIO'])
  })

  it('counts down to the next try while disconnected', () => {
    const at = new Date(10_000).toISOString()
    const line = (now: number) => text(headerLines({status: null, apiKey: 'k', connection: {state: 'disconnected', reason: 'gone', retryInMs: 5000}, connectionAt: at, now, open: false, width: 80, storeError: null}))[0]
    expect(line(10_000)).toContain('○ disconnected: gone, retrying in 5s')
    expect(line(12_500)).toContain('retrying in 3s')
    expect(line(16_000)).toContain('retrying…')
  })

  it('says when disconnected, and when it will try again', async () => {
    const fake = new FakeEmulator()
    const s = await renderWithTools(fake, <Header status={null} apiKey="jm_test_local" connection={{state: 'disconnected', reason: 'ECONNREFUSED\u001b[2J', retryInMs: 1500}} open width={80} storeError={null} />)
    const f = s.frame()
    expect(f).toContain('○ disconnected: ECONNREFUSED\\x1b[2J, retrying in 2s')
    expect(f).toContain('asking the emulator for its status')
    expect(f.split('\n')).toHaveLength(4)
  })
})
