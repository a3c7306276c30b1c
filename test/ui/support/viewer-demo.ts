// The viewer in a real terminal over the fake emulator, with a small simulation running: for trying
// it by hand and for the tmux test. `node --import tsx test/ui/support/viewer-demo.ts [events/s]`.
// Webhook #1 answers 200 in a few ms; #2 answers 500 twice, then 200; #3 refuses every
// connection until it is disabled. Prints "viewer closed" once runViewer has resolved.
import {runViewer} from '../../../src/ui/run-viewer.js'
import {FakeEmulator} from './fake-emulator.js'

const rate = Number(process.argv[2] ?? 1)
const fake = new FakeEmulator()
const ok = fake.addWebhook('http://localhost:3000/webhooks/junkmail', undefined, true)
const flaky = fake.addWebhook('http://localhost:4000/hooks', ['email.received', 'address.created'], true)
const down = fake.addWebhook('http://localhost:3999/down', ['email.received'], true)
const tries = new Map<string, number>()
let n = 0

function deliverSoon(eventId: string, webhookId: string, ms: number): void {
  setTimeout(() => {
    const stored = fake.stored.find((e) => e.event.id === eventId)
    const d = stored?.deliveries.find((x) => x.webhookId === webhookId && x.status === 'pending')
    if (!d) return
    const key = `${eventId}:${webhookId}`
    const count = (tries.get(key) ?? 0) + 1
    tries.set(key, count)
    if (webhookId === ok.id) fake.attempt(eventId, {status: 200, durationMs: 3 + (count % 5), webhookId})
    else if (webhookId === flaky.id) {
      const a = fake.attempt(eventId, {status: count <= 2 ? 500 : 200, durationMs: 40, webhookId, nextInMs: count * 2000})
      if (a.nextAttemptAt) deliverSoon(eventId, webhookId, count * 2000)
    } else {
      const a = fake.attempt(eventId, {errorClass: 'connection_refused', errorMessage: 'connect ECONNREFUSED 127.0.0.1:3999', durationMs: 1, webhookId, nextInMs: 1500})
      if (a.nextAttemptAt) deliverSoon(eventId, webhookId, 1500)
      else if (fake.webhookList.find((w) => w.id === webhookId)?.enabled) fake.disable(webhookId)
    }
  }, ms)
}

function fire(): void {
  n++
  const e =
    n % 3 === 0
      ? fake.fire('address.created', {email: `user-${n}@junkmail.local`})
      : fake.receiveMail(`inbox-${n % 4}@junkmail.local`, `sender${n}@example.com`, n % 5 === 0 ? `Tab\tand \u001b[31mescape\u001b[0m in subject ${n}` : `Your order #${1000 + n} has shipped`).id
  const id = typeof e === 'string' ? (fake.stored.at(-1)?.event.id ?? '') : e.id
  for (const d of fake.stored.find((x) => x.event.id === id)?.deliveries ?? []) deliverSoon(id, d.webhookId, 20)
}

fake.history(30)
const timer = rate > 0 ? setInterval(fire, 1000 / rate) : null
// DEMO_HEADLESS=1: the simulation alone, to compare the viewer's cost with.
const ran = process.env.DEMO_HEADLESS ? new Promise<void>(() => undefined) : runViewer({source: fake.source, actions: fake, title: 'demo'})
ran.then(
  () => {
    if (timer) clearInterval(timer)
    process.stdout.write('viewer closed\n')
    process.exit(0)
  },
  (error: unknown) => {
    if (timer) clearInterval(timer)
    process.stderr.write(`viewer failed: ${String(error)}\n`)
    process.exit(1)
  },
)
