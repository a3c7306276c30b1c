import {devFlags, emulatorOptions} from '../src/cli/dev-flags.js'
import {ForwardToError} from '../src/cli/dev-session.js'
import {JunkmailCommand, UsageError} from '../src/cli/junkmail-command.js'
import {PublicDefaultKeyError} from '../src/emulator/defaults.js'

export default class Dev extends JunkmailCommand {
  static summary = 'Start the emulator: the provider\'s API (JunkMail by default), the SMTP sink, the webhook dispatcher and its store.'
  static description = `Runs in the foreground until Ctrl+C (SIGINT), SIGTERM or SIGHUP (terminal closed), or until the process that started it ends (a launcher killed by CI), then stops cleanly and flushes the store. Pending retries are kept in the data dir and resume at the next start.

With --json, prints NDJSON: the first line is {"type":"ready",...} with apiUrl and apiKey, then one line per event and attempt.

Every flag can also be set by the environment variable named next to it.`
  static examples = [
    '<%= config.bin %> dev',
    '<%= config.bin %> dev --forward-to http://localhost:3000/webhooks/junkmail',
    '<%= config.bin %> dev --port 0 --in-memory --time-scale 3600 --json',
    'JUNKMAIL_PORT=0 JUNKMAIL_DATA_DIR=/tmp/jm <%= config.bin %> dev --json | head -1',
  ]
  static flags = devFlags
  static ndjson = true


  async run(): Promise<void> {
    const {flags} = await this.parse(Dev)
    const controller = new AbortController()
    let signals = 0
    const onSignal = () => {
      if (++signals > 1) process.exit(130)
      controller.abort()
    }
    // SIGHUP: the terminal was closed. A write error on stdout: whoever read it is gone (EPIPE after
    // `| head`, EIO on a closed terminal). Either way, stop cleanly rather than die mid-write.
    // (@oclif/core's own stdout error listener ignores EPIPE, which would leave the emulator running
    // with nobody reading, and rethrows the rest, EIO included: it is set aside while dev runs.)
    const onOutputError = () => controller.abort()
    // Not put back: the last lines are written as the process exits, after run() returns.
    process.stdout.removeAllListeners('error')
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    process.on('SIGHUP', onSignal)
    process.stdout.on('error', onOutputError)
    // The process that started dev ended (a CI step killed `npx`, which started dev): stop as on a
    // signal instead of running on with nobody to stop it. Not when started by init (a container).
    const parent = process.ppid
    const orphanCheck = parent > 1 ? setInterval(() => process.ppid !== parent && controller.abort(), 250).unref() : null
    const {runDevSession} = await import('../src/cli/dev-session.js')
    try {
      // The viewer only where it can run: a terminal on stdin and stdout, CI unset, no --json.
      const {viewerUnavailable} = await import('../src/ui/run-viewer.js')
      const tui = flags.tui && !this.jsonEnabled() && viewerUnavailable() === null
      await runDevSession({
        ...(await emulatorOptions(flags)),
        tui,
        forwardTo: flags['forward-to'],
        forwardEvents: flags.events?.map((e) => e.trim()).filter(Boolean),
        json: this.jsonEnabled(),
        signal: controller.signal,
      })
    } catch (error) {
      if (error instanceof PublicDefaultKeyError) throw new UsageError(error.cliMessage)
      if (error instanceof ForwardToError) throw new UsageError(error.message)
      throw error
    } finally {
      if (orphanCheck) clearInterval(orphanCheck)
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      process.off('SIGHUP', onSignal)
    }
  }
}
