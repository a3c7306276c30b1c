import {describe, expect, it} from 'vitest'
import {FairQueue} from '../src/dispatch/fair-queue.js'

/** Takes until the queue lets nothing more go. */
function drain(queue: FairQueue): string[] {
  const out: string[] = []
  for (let next = queue.take(); next; next = queue.take()) out.push(next.id)
  return out
}

describe('FairQueue', () => {
  it('serves origins in turn, one delivery each, in the order each origin got them', () => {
    const queue = new FairQueue({perOrigin: 10, total: 100})
    for (let i = 1; i <= 4; i++) queue.push('http://a', `a${i}`)
    queue.push('http://b', 'b1')
    queue.push('http://b', 'b2')
    queue.push('http://c', 'c1')
    expect(drain(queue)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4'])
    expect(queue.inFlight).toBe(7)
    expect(queue.size).toBe(0)
  })

  it('holds an origin at its own limit without holding the others; a release lets its next one go', () => {
    const queue = new FairQueue({perOrigin: 2, total: 100})
    for (let i = 1; i <= 5; i++) queue.push('http://slow', `s${i}`)
    expect(drain(queue)).toEqual(['s1', 's2'])
    queue.push('http://fast', 'f1')
    expect(drain(queue)).toEqual(['f1'])
    queue.release('http://slow')
    expect(drain(queue)).toEqual(['s3'])
    expect(queue.inFlightTo('http://slow')).toBe(2)
    expect(queue.size).toBe(2)
  })

  it('once every slot is taken, an origin below its fair share still gets one: no origin can hold them all', () => {
    const queue = new FairQueue({perOrigin: 64, total: 8})
    for (let i = 1; i <= 20; i++) queue.push('http://hang', `h${i}`)
    expect(drain(queue)).toHaveLength(8)
    // Two origins with work: a fair share is 4 each. The hanging one holds 8, the new one none.
    for (let i = 1; i <= 6; i++) queue.push('http://healthy', `g${i}`)
    expect(drain(queue)).toEqual(['g1', 'g2', 'g3', 'g4'])
    // Slots freed by the hanging origin go to whichever origin is below its share first.
    queue.release('http://healthy')
    expect(drain(queue)).toEqual(['g5'])
    queue.release('http://hang')
    expect(drain(queue)).toEqual([])
    expect(queue.inFlight).toBe(11)
  })

  it('forgets an origin once it has nothing ready and nothing in flight', () => {
    const queue = new FairQueue({perOrigin: 1, total: 1})
    queue.push('http://a', 'a1')
    queue.push('http://b', 'b1')
    expect(drain(queue)).toEqual(['a1', 'b1']) // b1 is below its share (1 of 1) although the total is reached
    queue.release('http://a')
    queue.release('http://b')
    expect(queue.inFlight).toBe(0)
    queue.push('http://c', 'c1')
    queue.push('http://c', 'c2')
    expect(drain(queue)).toEqual(['c1'])
  })
})
