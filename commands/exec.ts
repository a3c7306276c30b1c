import * as Flags from '@oclif/core/flags'
import {devFlags, emulatorOptions} from '../src/cli/dev-flags.js'
import {JunkmailCommand, UsageError} from '../src/cli/junkmail-command.js'
import {PublicDefaultKeyError} from '../src/emulator/defaults.js'

const {tui: _tui, ...startFlags} = devFlags

export default class Exec extends JunkmailCommand {
  static summary = 'Run a command against a fresh emulator, then stop it: for tests and CI.'
  static description = `Starts an emulator (in memory, on free ports, unless flags say otherwise), waits until it accepts connections, runs the command with JUNKMAIL_API_URL, JUNKMAIL_API_KEY, JUNKMAIL_PROVIDER, JUNKMAIL_SMTP_HOST and JUNKMAIL_SMTP_PORT in its environment, stops the emulator and exits with the command's exit code (128+N when it dies of signal N).

SIGINT, SIGTERM and SIGHUP go on to the command; a second Ctrl+C ends it at once. The command never outlives exec, even when exec itself is killed. Takes every flag of junkmail dev (see junkmail dev --help); the port, SMTP port and data dir are not read from the environment here.`
  static examples = [
    '<%= config.bin %> exec -- npm test',
    '<%= config.bin %> exec --provider sendook --time-scale 3600 -- npx vitest run',
    '<%= config.bin %> exec -- sh -c \'junkmail trigger email.received --json\'',
  ]
  static strict = false
  static flags = {
    ...startFlags,
    port: Flags.integer({description: 'API port; 0 picks a free one.', default: 0, min: 0, max: 65535}),
    'smtp-port': Flags.integer({description: 'SMTP port of the mail sink; 0 picks a free one.', default: 0, min: 0, max: 65535}),
    'data-dir': Flags.string({description: 'Keep the store in this folder (default: in memory, nothing on disk).'}),
    'in-memory': Flags.boolean({description: 'Keep nothing on disk (the default; wins over --data-dir).', default: false}),
  }

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Exec)
    const raw = this.argv
    const at = raw.indexOf('--')
    const command = at < 0 ? [] : raw.slice(at + 1)
    if (command.length === 0) throw new UsageError('give the command to run after --, e.g. junkmail exec -- npm test')
    // Words before -- that are not flags: a command without its --.
    const stray = (argv as string[]).filter((a) => !command.includes(a))
    if (stray.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(stray[0])}: put the command after --, e.g. junkmail exec -- ${stray.join(' ')}`)
    const {runExec, CommandStartError} = await import('../src/cli/exec-session.js')
    let options
    try {
      options = await emulatorOptions({...flags, 'data-dir': flags['data-dir'] ?? '', 'in-memory': flags['in-memory'] || flags['data-dir'] === undefined})
    } catch (error) {
      if (error instanceof PublicDefaultKeyError) throw new UsageError(error.cliMessage)
      throw error
    }
    try {
      process.exitCode = await runExec({emulator: options, command: command[0], args: command.slice(1)})
    } catch (error) {
      if (error instanceof PublicDefaultKeyError) throw new UsageError(error.cliMessage)
      if (error instanceof CommandStartError) {
        this.tell(`Error: ${error.message}`)
        process.exitCode = 127
        return
      }
      throw error
    }
  }
}
