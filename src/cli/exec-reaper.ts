// The process between `junkmail exec` and the command it runs. It starts the command and makes
// sure the command never outlives exec: when exec goes away, however it went (a SIGKILL included:
// the IPC channel to it closes), the command gets SIGTERM, and SIGKILL 2 s later. Without a
// terminal the command runs in a process group of its own, so its whole tree is signalled (npm
// test and the workers it starts); on a terminal it stays in the terminal's group so that it can
// read the keyboard, and Ctrl+C reaches it from the terminal itself.
//
// It is started while the emulator starts (the two overlap), and runs the command once exec says
// so: messages from exec `{start: env}` (run it, with this environment added) and `{signal}` (pass
// it on); to exec `{exit: {code, signal}}` or `{error}`.
import {type ChildProcess, spawn} from 'node:child_process'

const [command, ...args] = process.argv.slice(2)
const detached = !process.stdin.isTTY
let child: ChildProcess | null = null

const signalChild = (signal: NodeJS.Signals) => {
  if (!child) return
  try {
    if (detached && child.pid !== undefined) process.kill(-child.pid, signal)
    else child.kill(signal)
  } catch {
    // already gone
  }
}

let orphaned = false
process.on('disconnect', () => {
  orphaned = true
  // exec went away before the command started: nothing to end.
  if (!child) process.exit(0)
  signalChild('SIGTERM')
  setTimeout(() => signalChild('SIGKILL'), 2000).unref()
})
process.on('message', (message: {signal?: NodeJS.Signals; start?: Record<string, string>}) => {
  if (message.start && !child) run(message.start)
  else if (message.signal) signalChild(message.signal)
})
// Signals for the command come from exec (or, on a terminal, to the command directly): the
// reaper itself stays until the command has ended.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {})

const report = (message: object) => {
  if (orphaned || !process.connected) process.exit(0)
  process.send!(message, () => process.exit(0))
}
function run(env: Record<string, string>): void {
  const started = (child = spawn(command, args, {stdio: 'inherit', detached, env: {...process.env, ...env}}))
  started.on('error', (error: NodeJS.ErrnoException) => report({error: error.code === 'ENOENT' ? `command not found: ${command}` : error.message}))
  started.on('exit', (code, signal) => {
    // The rest of its group (a detached tree), if any, goes with it.
    if (detached && started.pid !== undefined) {
      try {
        process.kill(-started.pid, 'SIGKILL')
      } catch {
        // nothing left
      }
    }
    report({exit: {code, signal}})
  })
}
