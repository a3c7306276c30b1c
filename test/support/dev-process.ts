import {type ChildProcess, spawn} from 'node:child_process'
import {createInterface} from 'node:readline'
import {onTestFinished} from 'vitest'
import {BIN} from './cli.js'

/** A `junkmail dev --json` child process and the NDJSON lines it printed. */
export interface DevProcess {
  readonly child: ChildProcess
  readonly ready: {apiUrl: string; baseUrl: string; apiKey: string; port: number; dataDir: string | null; [key: string]: unknown}
  readonly lines: Array<Record<string, any>>
  readonly stderr: () => string
  /** Resolves with the first line (already printed or future) that matches. */
  waitForLine(match: (line: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>
  /** Like `exited`, but fails (naming the last lines and stderr) if the process is still running after `timeoutMs`. */
  waitForExit(timeoutMs?: number): Promise<number | null>
}

/** Starts `junkmail dev --json --port 0 ...args` and waits for its ready line; killed after the test. */
export async function startDevProcess(args: string[], options: {cwd?: string; env?: Record<string, string | undefined>} = {}): Promise<DevProcess> {
  const child = spawn(process.execPath, [BIN, 'dev', '--json', '--port', '0', '--smtp-port', '0', ...args], {
    cwd: options.cwd,
    env: {...process.env, NODE_ENV: undefined, JUNKMAIL_PROVIDER: undefined, ...options.env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // After the test: stopped as a user stops it (SIGTERM, a clean stop), killed if that takes over 3 s.
  onTestFinished(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const gone = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
    await gone
    clearTimeout(timer)
  })
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => (stderr += c))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const lines: Array<Record<string, any>> = []
  const watchers: Array<{match: (l: Record<string, any>) => boolean; resolve: (l: Record<string, any>) => void}> = []
  createInterface({input: child.stdout!}).on('line', (text) => {
    let line: Record<string, any>
    try {
      line = JSON.parse(text) as Record<string, any>
    } catch {
      line = {type: 'not-json', text} // kept, so a test fails on it instead of crashing the worker
    }
    lines.push(line)
    for (const w of [...watchers]) if (w.match(line)) {
      watchers.splice(watchers.indexOf(w), 1)
      w.resolve(line)
    }
  })
  const waitForLine = (match: (l: Record<string, any>) => boolean, timeoutMs = 10_000) => {
    const seen = lines.find(match)
    if (seen) return Promise.resolve(seen)
    return new Promise<Record<string, any>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching line in ${timeoutMs} ms; last lines: ${lines.slice(-4).map((l) => JSON.stringify(l)).join(" ")}; stderr: ${stderr}`)), timeoutMs)
      watchers.push({match, resolve: (l) => (clearTimeout(timer), resolve(l))})
      void exited.then((code) => reject(new Error(`junkmail dev exited (${code}) before the line; stderr: ${stderr}`)))
    })
  }
  const waitForExit = (timeoutMs = 10_000) =>
    new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`junkmail dev still running after ${timeoutMs} ms; last lines: ${lines.slice(-4).map((l) => JSON.stringify(l)).join(' ')}; stderr: ${stderr}`)), timeoutMs)
      void exited.then((code) => (clearTimeout(timer), resolve(code)))
    })
  const ready = (await waitForLine((l) => l.type === 'ready', 15_000)) as DevProcess['ready']
  return {child, ready, lines, stderr: () => stderr, waitForLine, exited, waitForExit}
}
