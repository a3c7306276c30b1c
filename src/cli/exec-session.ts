import {fork} from 'node:child_process'
import {constants} from 'node:os'
import {fileURLToPath} from 'node:url'
import type {EmulatorOptions, RunningEmulator} from '../emulator/start-emulator.js'

/** Options of one `junkmail exec` run. */
export interface ExecOptions {
  readonly emulator: EmulatorOptions
  readonly command: string
  readonly args: readonly string[]
  /** Told once the emulator is up, with the environment given to the command. */
  readonly onReady?: (emulator: RunningEmulator, env: Record<string, string>) => void
}

/** The environment a command run by exec gets: where the emulator answers, and how. */
export function emulatorEnv(emulator: RunningEmulator): Record<string, string> {
  return {
    JUNKMAIL_API_URL: emulator.url,
    JUNKMAIL_API_KEY: emulator.apiKey,
    JUNKMAIL_PROVIDER: emulator.context.provider.name,
    ...(emulator.smtpPort === null ? {} : {JUNKMAIL_SMTP_HOST: emulator.host, JUNKMAIL_SMTP_PORT: String(emulator.smtpPort)}),
  }
}

/** The exit code of a command that ended with `code` or died of `signal`: 128 + N for signal N, as shells say. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal) return 128 + (constants.signals[signal] ?? 0)
  return code ?? 1
}

/** The command could not be started (not found, not executable). */
export class CommandStartError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CommandStartError'
  }
}

/**
 * Starts an emulator, runs the command with its address in the environment, stops the emulator,
 * and resolves with the command's exit code. SIGINT, SIGTERM and SIGHUP are passed on to the
 * command (SIGINT only where the terminal does not send it itself); a second SIGINT ends the
 * command at once (SIGKILL). The command never outlives this process (see exec-reaper.ts).
 */
export async function runExec(options: ExecOptions): Promise<number> {
  // The reaper starts while the emulator does (a Node process of its own: the two overlap), and
  // runs the command once told where the emulator is.
  const reaper = fork(fileURLToPath(new URL('exec-reaper.js', import.meta.url)), [options.command, ...options.args], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    // Its own flags, not the CLI's (a --inspect of exec must not open a second debugger port).
    execArgv: [],
  })
  const outcome = new Promise<{exit?: {code: number | null; signal: NodeJS.Signals | null}; error?: string}>((resolve) => {
    reaper.on('message', (message: {exit?: {code: number | null; signal: NodeJS.Signals | null}; error?: string}) => resolve(message))
    // The reaper died without a word (killed): treat it as the command killed the same way.
    reaper.on('exit', (code, signal) => resolve({exit: {code: code ?? null, signal}}))
  })
  let emulator: RunningEmulator
  try {
    const {startEmulator} = await import('../emulator/start-emulator.js')
    emulator = await startEmulator(options.emulator)
  } catch (error) {
    reaper.kill()
    throw error
  }
  try {
    const env = emulatorEnv(emulator)
    options.onReady?.(emulator, env)
    reaper.send({start: env})
    const terminal = process.stdin.isTTY === true
    let interrupts = 0
    const forward = (signal: NodeJS.Signals) => {
      if (signal === 'SIGINT' && ++interrupts > 1) return reaper.connected && reaper.send({signal: 'SIGKILL'})
      // On a terminal the command is in its foreground group: Ctrl+C reached it already.
      if (signal === 'SIGINT' && terminal) return
      if (reaper.connected) reaper.send({signal})
    }
    const listeners = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => {
      const listener = () => forward(signal)
      process.on(signal, listener)
      return () => process.off(signal, listener)
    })
    try {
      const ended = await outcome
      if (ended.error) throw new CommandStartError(ended.error)
      return exitCodeOf(ended.exit!.code, ended.exit!.signal)
    } finally {
      for (const off of listeners) off()
    }
  } finally {
    await emulator.stop()
  }
}
