import {createHash} from 'node:crypto'

/**
 * `size` pseudo-random bytes, the same for the same seed on every run (SHA-256 in counter mode):
 * random-looking test input that a failure can reproduce.
 */
export function seededBytes(seed: number | string, size: number): Buffer {
  const out = Buffer.alloc(size)
  for (let offset = 0, block = 0; offset < size; block++) offset += createHash('sha256').update(`${seed}:${block}`).digest().copy(out, offset)
  return out
}
