import {expect, onTestFinished} from 'vitest'
import type {Api} from './emulator.js'
import {verifyLikeContractNodeHandler, verifySignature} from './contract-verify.js'
import {type ReceivedRequest, type Receiver, startReceiver} from './receiver.js'
import {waitUntil} from './wait-until.js'

export {waitUntil} from './wait-until.js'

/** One webhook request as the contract describes it. */
export interface Notification {
  event: string
  timestamp: number
  data: Record<string, any>
  request: ReceivedRequest
}

/** A real receiver subscribed to some events of an emulator, with the webhook's secret. */
export interface WebhookInbox {
  readonly receiver: Receiver
  readonly secret: string
  /** Every notification so far, in arrival order. */
  all(): Notification[]
  /** Notifications of one event type. */
  of(event: string): Notification[]
  /** Resolves once `count` notifications of `event` have arrived. */
  waitFor(event: string, count: number, timeoutMs?: number): Promise<Notification[]>
  /** Asserts each notification's signature with the contract's Node checks. */
  expectSigned(notification: Notification): void
  close(): Promise<void>
}

/** Starts a receiver and registers it as a webhook for `events`; the receiver is closed after the test. */
export async function subscribe(api: Api, events: string[]): Promise<WebhookInbox> {
  const receiver = await startReceiver()
  let closing: Promise<void> | null = null
  const close = () => (closing ??= receiver.close())
  onTestFinished(close)
  const created = await api('POST', '/api/v1/webhooks', {body: {url: `${receiver.url}/hook`, events}})
  expect(created.status, created.text).toBe(201)
  const secret: string = created.body.data.secret
  const parse = (request: ReceivedRequest): Notification => ({...JSON.parse(request.body.toString('utf8')), request})
  const all = () => receiver.requests.map(parse)
  const of = (event: string) => all().filter((n) => n.event === event)
  return {
    receiver,
    secret,
    all,
    of,
    waitFor: (event, count, timeoutMs = 10_000) =>
      waitUntil(`${count} ${event} notification(s) (got ${of(event).length})`, () => {
        const list = of(event)
        return list.length >= count ? list : undefined
      }, timeoutMs),
    expectSigned(n) {
      const signature = n.request.headers['x-junkmail-signature'] as string
      const text = n.request.body.toString('utf8')
      expect(text).toBe(JSON.stringify(JSON.parse(text)))
      expect(verifySignature(text, signature, secret)).toBe(true)
      expect(verifyLikeContractNodeHandler(n.request.body, signature, secret)).toBe(true)
    },
    close,
  }
}
