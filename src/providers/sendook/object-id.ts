import {randomBytes} from 'node:crypto'

// MongoDB ObjectIds, as Sendook's server gives every resource: 4 bytes of seconds since the
// epoch, 5 random bytes per process, a 3-byte counter from a random start; 24 hex digits.
const processBytes = randomBytes(5).toString('hex')
let counter = randomBytes(3).readUIntBE(0, 3)

/** A new ObjectId, as hex: sortable by creation second, unique within the process. */
export function newObjectId(now = Date.now()): string {
  counter = (counter + 1) % 0x1000000
  const seconds = Math.floor(now / 1000).toString(16).padStart(8, '0').slice(-8)
  return `${seconds}${processBytes}${counter.toString(16).padStart(6, '0')}`
}

/** True for 24 hex digits: the only ids Sendook's routes accept (others make its server fail). */
export const isObjectId = (value: string): boolean => /^[0-9a-f]{24}$/i.test(value)
