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

/**
 * Resolves once the SMTP sink has no session open and no message in DATA or being stored: every
 * mail the closed sessions sent is then either stored (and its email.received recorded) or not.
 */
export async function smtpIdle(api: Api, timeoutMs = 10_000): Promise<void> {
  let last: unknown = null
  await waitUntil(() => `the SMTP sink to be idle (status smtp: ${JSON.stringify(last)})`, async () => {
    const {body} = await api('GET', '/_emulator/v1/status')
    last = body.data.smtp
    return body.data.smtp.sessions === 0 && body.data.smtp.messagesInProgress === 0 ? true : undefined
  }, timeoutMs)
}
