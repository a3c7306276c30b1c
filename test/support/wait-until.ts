import type {Api} from './emulator.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls `check` every 10 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitUntil<T>(what: string | (() => string), check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`)
    await sleep(10)
  }
}

/**
 * Resolves once the emulator has no pending delivery left (every attempt it will make is made and
 * recorded), with its status counts. After this, a receiver has seen every request it will get.
 */
export async function deliveriesSettled(api: Api, timeoutMs = 10_000): Promise<Record<string, any>> {
  let last: Record<string, any> = {}
  return waitUntil(() => `no pending delivery (status counts: ${JSON.stringify(last)})`, async () => {
    const {body} = await api('GET', '/_emulator/v1/status')
    last = body.data.counts
    return last.pendingDeliveries === 0 ? last : undefined
  }, timeoutMs)
}
