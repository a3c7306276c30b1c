import {Text} from 'ink'
import {render} from 'ink-testing-library'
import {describe, expect, it, onTestFinished} from 'vitest'
import type {Happening} from '../../src/feed/happening.js'
import {BUSY_BATCH, useFeed} from '../../src/ui/use-feed.js'
import type {ViewAction} from '../../src/ui/view-state.js'
import type {ViewerSource} from '../../src/ui/viewer-contract.js'
import {tick, until} from './support/render-viewer.js'

// The feed's batching (issue 11 #7): happenings reach the state a batch at a time, each batch a
// frame; after a big batch (the emulator under load) the next waits longer.

function harness(flushMs: number) {
  let handlers: Parameters<ViewerSource['subscribe']>[0] | null = null
  const source = {subscribe: (h: typeof handlers) => ((handlers = h), () => (handlers = null))} as unknown as ViewerSource
  const batches: Array<{size: number; at: number}> = []
  const dispatch = (a: ViewAction) => {
    if (a.type === 'happenings') batches.push({size: a.list.length, at: performance.now()})
  }
  function Probe() {
    useFeed(source, dispatch, flushMs)
    return <Text>probe</Text>
  }
  const r = render(<Probe />)
  onTestFinished(() => r.unmount())
  let seq = 0
  const fire = (n: number) => {
    for (let i = 0; i < n; i++) handlers?.happening({seq: ++seq, time: new Date().toISOString(), kind: 'notice', message: `n${seq}`} as unknown as Happening)
    return performance.now()
  }
  return {batches, fire}
}

describe('useFeed', () => {
  it('hands happenings over in batches, every flushMs; after a batch of BUSY_BATCH or more, every 100 ms', async () => {
    const {batches, fire} = harness(20)
    await tick(50)
    fire(3)
    await tick(5)
    fire(2)
    await until(() => batches.length === 1, 'the first batch')
    expect(batches.map((b) => b.size)).toEqual([5])

    // A big batch: the next one waits 100 ms instead of 20.
    fire(BUSY_BATCH)
    await until(() => batches.length === 2, 'the second batch')
    expect(batches.map((b) => b.size)).toEqual([5, BUSY_BATCH])
    const sent = fire(1)
    await tick(40)
    expect(batches).toHaveLength(2)
    await until(() => batches.length === 3, 'the third batch')
    expect(batches.map((b) => b.size)).toEqual([5, BUSY_BATCH, 1])
    expect(batches[2].at - sent).toBeGreaterThanOrEqual(95)

    // A small batch again: back to flushMs.
    const quiet = fire(1)
    await until(() => batches.length === 4, 'the fourth batch')
    expect(batches.map((b) => b.size)).toEqual([5, BUSY_BATCH, 1, 1])
    expect(batches[3].at - quiet).toBeLessThan(90)
  })
})
