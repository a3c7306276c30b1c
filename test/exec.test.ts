import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {connect} from 'node:net'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {BIN, runCli} from './support/cli.js'
import {tempDir} from './support/temp-dir.js'
import {waitUntil} from './support/wait-until.js'

// junkmail exec (issue 13): a fresh emulator around a command, its exit code, and nothing left
// running whoever ends first.

/** A script for `node -e` that writes what exec gave it (env, pid) to a file, then does `then`. */
const probe = (file: string, then: string) =>
  `require('node:fs').writeFileSync(${JSON.stringify(file)}, JSON.stringify({pid: process.pid, env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('JUNKMAIL_')))})); ${then}`

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.on('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.on('error', () => resolve(true))
  })

/** Whether a process runs (a zombie, ended and waiting to be reaped, does not). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    // Linux: the state after the command name in /proc/PID/stat.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true
  }
}

/** Starts `junkmail exec …` without waiting for it. */
function startExec(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'exec', ...args], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, JUNKMAIL_API_URL: undefined, JUNKMAIL_API_KEY: undefined, JUNKMAIL_PORT: undefined, JUNKMAIL_DATA_DIR: undefined}})
  const done = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.on('exit', (code, signal) => resolve({code, signal})))
  return {child, done}
}

async function readProbe(file: string): Promise<{pid: number; env: Record<string, string>}> {
  await waitUntil(`${file} to be written`, async () => ((await readFile(file, 'utf8').catch(() => '')) !== '' ? true : undefined))
  return JSON.parse(await readFile(file, 'utf8'))
}

describe('junkmail exec', () => {
  it("passes the emulator's address in the environment, exits with the command's code, and frees the ports", async () => {
    const dir = await tempDir()
    const file = join(dir, 'probe.json')
    const result = await runCli(['exec', '--', process.execPath, '-e', probe(file, `
      fetch(process.env.JUNKMAIL_API_URL + '/_emulator/v1/status', {headers: {authorization: 'Bearer ' + process.env.JUNKMAIL_API_KEY}})
        .then((r) => r.json()).then((s) => { console.log(s.data.provider, s.data.inMemory); process.exit(3) })`)])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(3)
    expect(result.stdout).toBe('junkmail true\n')
    const {env} = JSON.parse(await readFile(file, 'utf8'))
    expect(env).toMatchObject({JUNKMAIL_API_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), JUNKMAIL_API_KEY: 'jm_test_local', JUNKMAIL_PROVIDER: 'junkmail', JUNKMAIL_SMTP_HOST: '127.0.0.1', JUNKMAIL_SMTP_PORT: expect.stringMatching(/^\d+$/)})
    const apiPort = Number(new URL(env.JUNKMAIL_API_URL).port)
    expect(apiPort).not.toBe(7380)
    expect(await refused(apiPort)).toBe(true)
    expect(await refused(Number(env.JUNKMAIL_SMTP_PORT))).toBe(true)

    expect((await runCli(['exec', '--', process.execPath, '-e', 'process.exit(0)'])).code).toBe(0)
    const killed = await runCli(['exec', '--provider', 'sendook', '--', process.execPath, '-e', 'process.kill(process.pid, "SIGKILL")'])
    expect(killed.code).toBe(128 + 9)
  })

  it('usage: no command is exit 2; a command that cannot start is exit 127', async () => {
    const none = await runCli(['exec'])
    expect(none.code).toBe(2)
    expect(none.stderr).toBe('Error: give the command to run after --, e.g. junkmail exec -- npm test (see: junkmail exec --help)\n')
    const missing = await runCli(['exec', '--', 'no-such-command-here'])
    expect(missing).toMatchObject({code: 127, stderr: 'Error: command not found: no-such-command-here\n'})
  })

  it('SIGTERM to exec goes on to the command; exec exits as the command did and frees the ports', async () => {
    const dir = await tempDir()
    const file = join(dir, 'probe.json')
    const {child, done} = startExec(['--', process.execPath, '-e', probe(file, `process.on('SIGTERM', () => process.exit(7)); setInterval(() => {}, 1000)`)])
    const {env} = await readProbe(file)
    child.kill('SIGTERM')
    expect(await done).toEqual({code: 7, signal: null})
    expect(await refused(Number(new URL(env.JUNKMAIL_API_URL).port))).toBe(true)
  })

  it('exec SIGKILLed: the command (and what it started) is gone within a second, nothing left listening', async () => {
    const dir = await tempDir()
    const file = join(dir, 'probe.json')
    // The command starts a grandchild of its own: the whole tree must go.
    const {child, done} = startExec(['--', process.execPath, '-e', probe(file, `require('node:child_process').spawn(process.execPath, ['-e', 'require("node:fs").writeFileSync(${JSON.stringify(join(dir, 'grandchild'))}, String(process.pid)); setInterval(() => {}, 1000)'], {stdio: 'ignore'}); setInterval(() => {}, 1000)`)])
    const {pid, env} = await readProbe(file)
    await waitUntil('the grandchild to start', async () => ((await readFile(join(dir, 'grandchild'), 'utf8').catch(() => '')) !== '' ? true : undefined))
    const grandchild = Number(await readFile(join(dir, 'grandchild'), 'utf8'))
    expect(alive(pid) && alive(grandchild)).toBe(true)
    child.kill('SIGKILL')
    await done
    const killedAt = Date.now()
    await waitUntil('the command and its child to end', () => (!alive(pid) && !alive(grandchild) ? true : undefined), 3000)
    expect(Date.now() - killedAt).toBeLessThan(1000)
    expect(await refused(Number(new URL(env.JUNKMAIL_API_URL).port))).toBe(true)
  })
})

describe('junkmail dev under a launcher', () => {
  it('stops (with its stopped line) when the process that started it is killed, instead of running on as an orphan', async () => {
    const dir = await tempDir()
    const out = join(dir, 'dev.ndjson')
    // A launcher (as npx is) that starts dev and is then SIGKILLed.
    const launcher = spawn('sh', ['-c', `"${process.execPath}" "${BIN}" dev --json --port 0 --smtp-port 0 --in-memory > "${out}" 2>&1 & echo $!; wait`], {stdio: ['ignore', 'pipe', 'ignore']})
    const devPid = Number(await new Promise<string>((resolve) => launcher.stdout.once('data', (d: Buffer) => resolve(d.toString()))))
    await waitUntil('the ready line', async () => ((await readFile(out, 'utf8').catch(() => '')).includes('"type":"ready"') ? true : undefined))
    launcher.kill('SIGKILL')
    await waitUntil('dev to stop', () => (alive(devPid) ? undefined : true), 5000)
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l))
    expect(lines.at(-1)).toMatchObject({type: 'stopped'})
  })
})
