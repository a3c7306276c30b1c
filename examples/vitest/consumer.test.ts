// A project's own test of its webhook consumer, against a fresh emulator per test: the library API
// (`npm install --save-dev junkmail`, then `import {startEmulator} from 'junkmail'`). No sleeps:
// waitFor resolves when the delivery settles; the clock is advanced instead of waited for.
import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {startEmulator} from 'junkmail'
import {afterEach, beforeEach, expect, it} from 'vitest'

const SECRET = 'whsec_example_consumer'
let emulator: Awaited<ReturnType<typeof startEmulator>>
let app: {url: string; lines: string[]; stop(): void}

beforeEach(async () => {
  emulator = await startEmulator({clock: 'manual'}) // in memory, free ports; time moves only when told
  app = await startApp()
})
afterEach(async () => {
  app.stop()
  await emulator.stop()
})

it('handles a received mail, verified', async () => {
  const hook = await emulator.webhooks.create({url: app.url, events: ['email.received'], secret: SECRET})
  await emulator.sendMail({to: 'signup@junkmail.local', subject: 'Confirm your account', text: 'Your code is 123456'})
  const [event] = emulator.history.events({type: 'email.received'})
  const [delivery] = emulator.history.deliveries({eventId: event.id, webhookId: hook.id})
  await emulator.waitFor({deliveryId: delivery.id, status: 'succeeded'})
  expect(app.lines.map((l) => JSON.parse(l))).toEqual([{handled: 'email.received', data: expect.objectContaining({subject: 'Confirm your account'})}])
})

it('rejects a delivery signed with another secret, and the webhook ends up disabled after the retries', async () => {
  const hook = await emulator.webhooks.create({url: app.url, events: ['address.created'], secret: 'whsec_not_the_apps'})
  await emulator.trigger('address.created')
  await emulator.clock.advance('3h') // the whole retry schedule: 1 min, 5 min, 30 min, 2 h
  await emulator.waitFor({webhookId: hook.id, disabled: true})
  expect(emulator.history.attempts({webhookId: hook.id}).map((a) => a.response?.status)).toEqual([401, 401, 401, 401, 401])
})

/** Starts the example consumer (examples/webhook-consumer/server.js) on a free port. */
function startApp(): Promise<typeof app> {
  const server = fileURLToPath(new URL('../webhook-consumer/server.js', import.meta.url))
  const child = spawn(process.execPath, [server], {env: {...process.env, WEBHOOK_SECRET: SECRET, PORT: '0'}, stdio: ['ignore', 'pipe', 'inherit']})
  const lines: string[] = []
  return new Promise((resolve) => {
    let buffer = ''
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk
      for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
        const line = buffer.slice(0, at)
        buffer = buffer.slice(at + 1)
        const listening = /^listening (\d+)$/.exec(line)
        if (listening) resolve({url: `http://127.0.0.1:${listening[1]}/hook`, lines, stop: () => child.kill()})
        else lines.push(line)
      }
    })
  })
}
