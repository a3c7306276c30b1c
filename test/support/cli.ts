import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'

/** Path of the real CLI entry point (runs the compiled `dist/`; `npm test` builds first). */
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  /** stdout as the exact bytes written. */
  stdoutBytes: Buffer
  stderr: string
}

/** Runs `junkmail <args>` as a child process, as a user would. */
export function runCli(args: string[], options: {cwd?: string; env?: Record<string, string | undefined>; input?: string} = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: {...process.env, NODE_ENV: undefined, JUNKMAIL_API_URL: undefined, JUNKMAIL_API_KEY: undefined, JUNKMAIL_DATA_DIR: undefined, JUNKMAIL_PROVIDER: undefined, ...options.env},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => (stderr += c))
    child.on('error', reject)
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out)
      resolve({code, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr})
    })
    child.stdin.end(options.input ?? '')
  })
}
