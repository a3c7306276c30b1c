// Runs runViewer() over the fake emulator with pretend terminal streams, in a process of its own
// (chalk settles its colour level once per process; signals are real). What it does is chosen by
// argv[2]: `quit` presses q, `abort` aborts the signal, `signal` waits for SIGTERM, `throw` makes
// the first render throw. At the end it prints one JSON line: how runViewer ended, every byte the
// viewer wrote, and the raw-mode changes of stdin.
import {PassThrough, Writable} from 'node:stream'
import {runViewer} from '../../../src/ui/run-viewer.js'
import {FakeEmulator} from './fake-emulator.js'

const mode = process.argv[2]
const written: string[] = []
const out = Object.assign(
  new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      written.push(chunk.toString())
      done()
    },
  }),
  {isTTY: true, columns: 80, rows: 24},
) as unknown as NodeJS.WriteStream
const raw: boolean[] = []
const input = new PassThrough()
const stdin = Object.assign(input, {
  isTTY: true,
  isRaw: false,
  setRawMode(on: boolean) {
    raw.push(on)
    stdin.isRaw = on
    return stdin
  },
  ref: () => stdin,
  unref: () => stdin,
}) as unknown as NodeJS.ReadStream & {isRaw: boolean}

const fake = new FakeEmulator()
const w = fake.addWebhook('http://localhost:3000/hook', undefined, true)
const e = fake.fire('email.received', {from: 'alice@example.com', subject: 'Hello'}, {quiet: true})
fake.attempt(e.id, {status: 200, quiet: true})
void w
const source =
  mode === 'throw'
    ? {
        ...fake.source,
        get apiKey(): string {
          throw new Error('the key cannot be read')
        },
      }
    : fake.source
const controller = new AbortController()
const ran = runViewer({source, actions: fake, stdin, stdout: out, title: 'test', signal: controller.signal, captureOutput: false})
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
// Drawn: the row has read its last attempt (then a frame or two more).
async function drawn(): Promise<void> {
  for (let i = 0; i < 500 && !fake.calls.some((c) => c.kind === 'event'); i++) await wait(10)
  await wait(200)
}
if (mode === 'quit') void drawn().then(() => input.write('q'))
if (mode === 'abort') void drawn().then(() => controller.abort())
if (mode === 'signal') void drawn().then(() => process.stderr.write('ready\n'))
if (mode === 'crash') {
  void drawn().then(() => {
    // Registered now, after the viewer's own: runs once the viewer has left the alternate screen.
    process.on('exit', () => finish('exited'))
    setTimeout(() => {
      throw new Error('boom in the emulator')
    })
  })
}
ran.then(
  () => finish('resolved'),
  (error: unknown) => finish(`rejected: ${error instanceof Error ? error.message : String(error)}`),
)

function finish(result: string) {
  process.stdout.write(`${JSON.stringify({result, out: written.join(''), raw})}\n`)
}
