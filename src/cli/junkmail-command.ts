import {Command} from '@oclif/core/command'
import * as Errors from '@oclif/core/errors'
import {ux} from '@oclif/core/ux'
import type {Input, ParserOutput} from '@oclif/core/interfaces'
import {ApiError, UnreachableError} from './api-client.js'
import {NotRunningError} from './locate-emulator.js'
import {safeText} from './terminal-text.js'

/** True for a mistake in how the command was typed (bad flag, missing argument): exit code 2. */
export function isUsageError(error: unknown): boolean {
  if (error instanceof UsageError) return true
  // The API refused a value the user typed (a relative --url, an unknown event): a usage error too.
  if (error instanceof ApiError && error.status === 400) return true
  // Whatever the flag parser threw (every command parses through JunkmailCommand.parse).
  return typeof error === 'object' && error !== null && parseFailures.has(error)
}

/**
 * Writes an error the one way every junkmail command does: a JSON error object on stdout under
 * `--json`, else one line on stderr (`Error: …`, plus a hint for usage errors).
 */
export function writeError(error: Record<string, unknown> & {message: string}, json: boolean, hint = ''): void {
  if (json) ux.stdout(ux.colorizeJson({error}, {pretty: true}))
  else process.stderr.write(`Error: ${error.message}${hint}\n`)
}

/**
 * Everything the flag parser throws. Some of its errors are plain CLIErrors with nothing that marks
 * them as parse errors ("Flag --to expects a value", "can only be specified once").
 */
const parseFailures = new WeakSet<object>()

// As in @oclif/core's parser types (not exported from its public entry points).
type FlagOutput = {[name: string]: any}
type ArgOutput = {[name: string]: any}

/** A usage mistake found after parsing (e.g. a malformed `--set`). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/**
 * Base of every junkmail command: `--json` on all of them, errors as one line on stderr (or a JSON
 * error object on stdout under `--json`), exit code 0 success, 1 failure, 2 usage error.
 */
export abstract class JunkmailCommand extends Command {
  static enableJsonFlag = true
  /** Its `--json` output is NDJSON (`dev`): an error is then one compact line `{"type":"error",…}`. */
  static ndjson = false

  /**
   * Writes text for people (control characters escaped, line feeds and tabs kept; values that must
   * stay on one line go through `oneLine` first); silent under `--json`.
   */
  protected say(text = ''): void {
    if (!this.jsonEnabled()) process.stdout.write(safeText(text) + '\n')
  }

  /**
   * Writes a line for people on stderr, also under `--json` (where stdout carries only JSON): why an
   * outcome failed, a note that a list was cut. (oclif's logToStderr is silent under `--json`.)
   */
  protected tell(text: string): void {
    process.stderr.write(safeText(text) + '\n')
  }

  protected override async parse<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput>(
    options?: Input<F, B, A>,
    argv?: string[],
  ): Promise<ParserOutput<F, B, A>> {
    try {
      return await super.parse(options, argv)
    } catch (error) {
      if (typeof error === 'object' && error !== null) parseFailures.add(error)
      throw error
    }
  }

  async catch(error: Errors.CLIError | Error): Promise<void> {
    const usage = isUsageError(error)
    process.exitCode = usage ? 2 : 1
    // Errors of the emulator as a library name its options; they carry the CLI's wording too.
    const message = oneLine((error as {cliMessage?: string}).cliMessage ?? (error.message || String(error)))
    const body = {message, code: errorCode(error, usage)}
    if (error instanceof ApiError) Object.assign(body, {status: error.status, ...(error.field ? {field: error.field} : {})})
    if (this.jsonEnabled() && (this.constructor as typeof JunkmailCommand).ndjson) {
      // A command whose output is NDJSON fails with one more line of it, as a reader of the stream expects.
      process.stdout.write(JSON.stringify({type: 'error', time: new Date().toISOString(), ...body}) + '\n')
      return
    }
    writeError(body, this.jsonEnabled(), usage && this.id ? ` (see: junkmail ${this.id.replaceAll(':', ' ')} --help)` : '')
  }
}

function errorCode(error: Error, usage: boolean): string {
  if (error instanceof ApiError) return error.code
  if (usage) return 'usage_error'
  if (error instanceof NotRunningError) return 'not_running'
  if (error instanceof UnreachableError) return 'unreachable'
  return 'error'
}

/** oclif's multi-line parse errors as one line: `Parsing --port: Expected an integer but received: abc`. */
export function oneLine(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  let line = (lines[0] ?? '').replace(/^Error: /, '')
  if ((line.endsWith(':') || line.startsWith('Parsing')) && lines[1]) line = `${line.replace(/:$/, '')}: ${lines[1].split(/\s{2,}/)[0]}`
  return line.replace(/^The following error occurred: /, '')
}
