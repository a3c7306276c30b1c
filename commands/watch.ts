import * as Flags from '@oclif/core/flags'
import {ApiCommand} from '../src/cli/api-command.js'
import {locateEmulator} from '../src/cli/locate-emulator.js'

export default class Watch extends ApiCommand {
  static summary = 'Follow a running emulator: the event viewer on a terminal, else one line per event, attempt, webhook change and warning.'
  static description = `Attaches to an emulator started elsewhere (another terminal, a script, CI), found like every command's: the runtime file in the data dir, or --api-url and --api-key. On a terminal it opens the interactive event viewer (the one junkmail dev shows; q quits). Otherwise, or with --no-tui or --json, it prints one line per happening (text as junkmail dev prints it; NDJSON with --json) until Ctrl+C, SIGTERM or its output closes, and exits 0.

If the emulator goes away, watch says so on stderr and reconnects by itself, resuming where it left off: nothing is missed or printed twice. If it comes back as a new run (restarted), watch says so and prints that run's happenings from its start.`
  static examples = [
    '<%= config.bin %> watch                    # the event viewer, or lines when piped',
    '<%= config.bin %> watch --no-tui           # lines on the terminal too',
    '<%= config.bin %> watch --json | jq -c \'select(.kind == "attempt.finished")\'',
    '<%= config.bin %> watch --since 0          # first everything the emulator\'s feed still holds',
    '<%= config.bin %> watch --api-url http://127.0.0.1:7380 --api-key "$KEY"',
  ]
  static flags = {
    since: Flags.integer({description: 'Start after this happening (seq) of the emulator\'s current run; 0: all it still holds (default: from now on).', min: 0}),
    tui: Flags.boolean({description: 'The interactive event viewer on a terminal (--no-tui: plain lines). Never under --json, CI or without a terminal.', default: true, allowNo: true, env: 'JUNKMAIL_TUI'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Watch)
    const target = await locateEmulator({apiUrl: flags['api-url'], apiKey: flags['api-key'], dataDir: flags['data-dir']})
    // With --api-url the same URL is tried again; otherwise the emulator is looked for again (a restart may move its port).
    const locate = flags['api-url'] ? undefined : () => locateEmulator({apiKey: flags['api-key'], dataDir: flags['data-dir']})
    const controller = new AbortController()
    const stop = () => controller.abort()
    // Whoever reads stdout is gone (EPIPE after `| head`, EIO on a closed terminal): stop, exit 0 (see dev).
    process.stdout.removeAllListeners('error')
    process.stdout.on('error', stop)
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop)
    const {runWatch} = await import('../src/cli/watch-session.js')
    try {
      await runWatch({target, locate, since: flags.since, json: this.jsonEnabled(), tui: flags.tui, signal: controller.signal})
    } finally {
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, stop)
    }
  }
}
