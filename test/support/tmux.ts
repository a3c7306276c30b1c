import {execFile} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {onTestFinished} from 'vitest'
import {waitUntil} from './wait-until.js'

const run = promisify(execFile)

/** Why tmux cannot drive a terminal here, or null when it can. Checked once. */
export const tmuxUnavailable: string | null = await run('tmux', ['-V'], {timeout: 5000}).then(
  () => null,
  () => 'tmux is not installed (apt-get install tmux; .ci/run installs it)',
)

/** A real terminal: a tmux session of its own server (a socket per session), killed after the test. */
export interface Terminal {
  /** Sends keys as tmux names them (`Enter`, `Escape`, `Up`, `C-c`) or literal text with `{literal: true}`. */
  keys(keys: string[], options?: {literal?: boolean}): Promise<void>
  /** The screen as a person sees it, one string per row (trailing spaces cut). */
  screen(): Promise<string[]>
  /** Waits until `match` holds for the screen; fails with the last screen shown. */
  waitFor(what: string, match: (screen: string) => boolean, timeoutMs?: number): Promise<string>
  /** The exit code of the command once it has ended, or null while it runs (128+N: killed by signal N). */
  exitCode(): Promise<number | null>
  /** Waits until the command has ended and resolves with its exit code. */
  exited(timeoutMs?: number): Promise<number>
}

/**
 * Starts `command` (a shell command line) in a detached tmux session of `cols`×`rows`, with `env`
 * set and `CI` unset inside it (Ink renders only the last frame when CI is set).
 */
export async function openTerminal(command: string, options: {cols: number; rows: number; cwd?: string; env?: Record<string, string>}): Promise<Terminal> {
  const socket = `junkmail-test-${randomUUID()}`
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args], {timeout: 10_000})
  const exports = Object.entries({TERM: 'xterm-256color', ...options.env}).map(([k, v]) => `export ${k}=${quote(v)}; `).join('')
  // The command runs under bash, which writes its exit code to a file when it ends (a Ctrl+C reaches
  // the command; bash's own INT trap keeps it alive to write the code); the pane stays after
  // (remain-on-exit, set before the session starts), so the last screen can be read.
  const conf = join(tmpdir(), `${socket}.conf`)
  const exitFile = join(tmpdir(), `${socket}.exit`)
  await writeFile(conf, 'set -g remain-on-exit on\n')
  onTestFinished(async () => {
    await tmux('kill-server').catch(() => {})
    await rm(conf, {force: true})
    await rm(exitFile, {force: true})
  })
  const script = `trap true INT; unset CI; ${exports}${options.cwd ? `cd ${quote(options.cwd)} || exit 97; ` : ''}${command}; echo $? > ${quote(exitFile)}`
  await tmux('-f', conf, 'new-session', '-d', '-s', 'main', '-x', String(options.cols), '-y', String(options.rows), 'bash', '-c', script)
  const exitCode = async () => {
    const text = await readFile(exitFile, 'utf8').catch(() => '')
    return text.trim() === '' ? null : Number(text.trim())
  }
  const screen = async () => (await tmux('capture-pane', '-p', '-t', 'main')).stdout.split('\n').map((l) => l.trimEnd())
  return {
    async keys(keys, opts = {}) {
      await tmux('send-keys', '-t', 'main', ...(opts.literal ? ['-l'] : []), ...keys)
    },
    screen,
    async waitFor(what, match, timeoutMs = 10_000) {
      let last: string[] = []
      return waitUntil(() => `${what}; the screen was:\n${last.join('\n')}`, async () => {
        last = await screen()
        const text = last.join('\n')
        return match(text) ? text : undefined
      }, timeoutMs)
    },
    exitCode,
    exited: (timeoutMs = 10_000) => waitUntil('the command to end', async () => (await exitCode()) ?? undefined, timeoutMs),
  }
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}
