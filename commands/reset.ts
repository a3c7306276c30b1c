import {ApiCommand, EMULATOR_PREFIX} from '../src/cli/api-command.js'

interface ResetResult {
  removed: Record<string, number>
}

export default class Reset extends ApiCommand {
  static summary = 'Wipe the running emulator\'s state, keeping it running: a fresh start between tests.'
  static description = 'Removes every webhook, event, delivery, attempt, address, mail and provider resource (Sendook inboxes and messages); keeps the servers, the API keys and the clock.'
  static examples = ['<%= config.bin %> reset', '<%= config.bin %> reset --json']

  async run(): Promise<ResetResult> {
    const {flags} = await this.parse(Reset)
    const client = await this.client(flags)
    const {data} = await client.post<{data: ResetResult}>(`${EMULATOR_PREFIX}/reset`, {})
    const parts = Object.entries(data.removed).filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}`)
    this.say(parts.length === 0 ? 'Reset: there was nothing to remove.' : `Reset: removed ${parts.join(', ')}.`)
    return data
  }
}
