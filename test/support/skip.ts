import type {TestContext} from 'vitest'

/** Skips the running test and says why on stderr: a skipped test is never silent. */
export function skipBecause(context: TestContext, reason: string): never {
  console.warn(`skipped "${context.task.name}": ${reason}`)
  return context.skip(reason)
}
