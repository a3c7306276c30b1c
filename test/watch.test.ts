import {type ChildProcess, spawn} from 'node:child_process'
import {describe, expect, it, onTestFinished} from 'vitest'
import {BIN, runCli} from './support/cli.js'
import {startDevProcess} from './support/dev-process.js'
import {startReceiver} from './support/receiver.js'
import {tempDir} from './support/temp-dir.js'
import {waitUntil} from './support/wait-until.js'

/** A `junkmail watch` child process in `cwd`, its stdout lines and stderr as they come; stopped after the test. */
function startWatch(args: string[], cwd: string) {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'watch', ...args], {
    cwd,
    env: {...process.env, NODE_ENV: undefined, JUNKMAIL_API_URL: undefined, JUNKMAIL_API_KEY: undefined, JUNKMAIL_DATA_DIR: undefined},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let out = ''
  let err = ''
  child.stdout!.on('data', (c: Buffer) => (out += c))
  child.stderr!.on('data', (c: Buffer) => (err += c))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const lines = () => out.split('\n').filter(Boolean)
  const describeState = () => `stdout: ${JSON.stringify(out.slice(-800))}; stderr: ${JSON.stringify(err)}`
  return {
    child,
    lines,
    stderr: () => err,
    exited,
    waitForLine: (match: (line: string) => boolean, what: string) => waitUntil(() => `${what} (${describeState()})`, () => lines().find(match), 15_000),
    waitForStderr: (pattern: RegExp) => waitUntil(() => `stderr ${pattern} (${describeState()})`, () => pattern.exec(err) ?? undefined, 15_000),
    waitForExit: () => Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`watch still running; ${describeState()}`)), 10_000))]),
  }
}

/** A webhook on a real receiver, and a trigger, through the CLI (as a second shell would). */
async function hookAndTrigger(cwd: string, url: string): Promise<string> {
  expect((await runCli(['webhooks', 'create', '--url', url, '--events', 'address.created'], {cwd})).code).toBe(0)
  return trigger(cwd)
}

async function trigger(cwd: string): Promise<string> {
  const triggered = await runCli(['trigger', 'address.created', '--json'], {cwd})
  expect(triggered.code, triggered.stderr).toBe(0)
  return JSON.parse(triggered.stdout).event.id
}

describe('junkmail watch', () => {
  it('attaches through the runtime file and prints one line per happening, as dev prints them; SIGTERM exits 0', async () => {
    const cwd = await tempDir()
    const receiver = await startReceiver()
    onTestFinished(() => receiver.close())
    const dev = await startDevProcess(['--data-dir', '.junkmail'], {cwd})
    const watch = startWatch([], cwd)
    await watch.waitForStderr(/^Watching http:\/\/127\.0\.0\.1:\d+ \(Ctrl\+C to stop\)\n/)
    const eventId = await hookAndTrigger(cwd, `${receiver.url}/hook`)
    const time = String.raw`\d\d:\d\d:\d\d\.\d{3}`
    await watch.waitForLine((l) => new RegExp(`^${time}  webhook \\S+ created → ${receiver.url}/hook \\(address\\.created\\)$`).test(l), 'the webhook line')
    await watch.waitForLine((l) => new RegExp(`^${time}  address\\.created ${eventId} \\(trigger\\) → 1 webhook$`).test(l), 'the event line')
    await watch.waitForLine((l) => new RegExp(`^${time}    address\\.created → ${receiver.url}/hook  200 OK in [\\d.]+ ms \\(attempt 1/5\\)$`).test(l), 'the attempt line')
    expect(watch.lines()).toHaveLength(3)
    watch.child.kill('SIGTERM')
    expect(await watch.waitForExit()).toBe(0)
    expect(dev.child.exitCode).toBeNull()
  })

  it('--json: one happening per line (NDJSON), seq by seq; --since 0 starts with what the feed holds', async () => {
    const cwd = await tempDir()
    const receiver = await startReceiver()
    onTestFinished(() => receiver.close())
    const dev = await startDevProcess(['--data-dir', '.junkmail'], {cwd})
    await hookAndTrigger(cwd, receiver.url)
    await dev.waitForLine((l) => l.type === 'attempt')
    const watch = startWatch(['--json', '--since', '0'], cwd)
    await watch.waitForLine((l) => l.includes('"attempt.finished"'), 'the attempt of the run so far')
    await trigger(cwd)
    await waitUntil(() => `5 lines (${watch.lines().join('\n')})`, () => (watch.lines().length === 5 ? true : undefined), 15_000)
    const happenings = watch.lines().map((l) => JSON.parse(l))
    expect(happenings.map((h) => [h.seq, h.kind])).toEqual([
      [1, 'webhook.created'],
      [2, 'event.created'],
      [3, 'attempt.finished'],
      [4, 'event.created'],
      [5, 'attempt.finished'],
    ])
    expect(happenings[2]).toMatchObject({attempt: {outcome: 'success', request: {body: null}}, delivery: {status: 'succeeded'}})
    watch.child.kill('SIGINT')
    expect(await watch.waitForExit()).toBe(0)
  })

  it('survives a restart of the emulator: says it is disconnected, finds the new one (another port), resumes with its run', async () => {
    const cwd = await tempDir()
    const receiver = await startReceiver()
    onTestFinished(() => receiver.close())
    const first = await startDevProcess(['--data-dir', '.junkmail'], {cwd})
    const watch = startWatch(['--json'], cwd)
    await watch.waitForStderr(/^Watching /)
    await hookAndTrigger(cwd, receiver.url)
    await watch.waitForLine((l) => l.includes('"attempt.finished"'), 'the first run\'s attempt')
    first.child.kill('SIGTERM')
    expect(await first.waitForExit()).toBe(0)
    await watch.waitForStderr(/Disconnected from http:\/\/127\.0\.0\.1:\d+: .+\. Reconnecting…\n/)
    const second = await startDevProcess(['--data-dir', '.junkmail'], {cwd})
    expect(second.ready.port).not.toBe(first.ready.port)
    await watch.waitForStderr(/Reconnected to http:\/\/127\.0\.0\.1:\d+: a new run of the emulator/)
    expect(watch.stderr()).toContain(`Reconnected to ${second.ready.baseUrl}`)
    await trigger(cwd)
    await watch.waitForLine((l) => JSON.parse(l).seq === 2 && l.includes('"attempt.finished"'), 'the second run\'s attempt')
    const happenings = watch.lines().map((l) => JSON.parse(l))
    expect(happenings.map((h) => [h.seq, h.kind])).toEqual([
      [1, 'webhook.created'],
      [2, 'event.created'],
      [3, 'attempt.finished'],
      [1, 'event.created'],
      [2, 'attempt.finished'],
    ])
    expect(watch.stderr().match(/Disconnected/g)).toHaveLength(1)
    watch.child.kill('SIGTERM')
    expect(await watch.waitForExit()).toBe(0)
  })

  it('exits 0 when its stdout closes; exits 1 with one line when no emulator is running', async () => {
    const cwd = await tempDir()
    const none = await runCli(['watch'], {cwd})
    expect(none.code).toBe(1)
    expect(none.stderr).toMatch(/^Error: no junkmail emulator is running in .+; start one with: npx junkmail dev/)

    await startDevProcess(['--data-dir', '.junkmail'], {cwd})
    const watch = startWatch([], cwd)
    await watch.waitForStderr(/^Watching /)
    watch.child.stdout!.destroy()
    await trigger(cwd)
    expect(await watch.waitForExit()).toBe(0)
  })
})
