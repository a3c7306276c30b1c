import * as Flags from '@oclif/core/flags'
import {JunkMailResourceCommand} from '../../src/cli/provider-command.js'
import {formatTable} from '../../src/cli/format-table.js'
import type {PresentedAddress} from '../../src/cli/mail-types.js'

export default class AddressesList extends JunkMailResourceCommand {
  static summary = 'List disposable addresses, newest first.'
  static examples = ['<%= config.bin %> addresses list', '<%= config.bin %> addresses list --json']
  static flags = {
    limit: Flags.integer({description: 'How many to show (the newest).', default: 50, min: 1, max: 99_999, exclusive: ['all']}),
    all: Flags.boolean({description: 'Show every one.', default: false}),
  }

  async run(): Promise<PresentedAddress[]> {
    const {flags} = await this.parse(AddressesList)
    const client = await this.client(flags)
    const {data: read} = await client.get<{data: PresentedAddress[]}>('/api/v1/addresses', {limit: flags.all ? 100_000 : flags.limit + 1})
    // One more than asked for says whether there are more: a list never stops short without saying so.
    const more = !flags.all && read.length > flags.limit
    const data = more ? read.slice(0, flags.limit) : read
    if (data.length === 0) this.say('No addresses. Create one with: junkmail addresses create, or just send mail to anything@junkmail.local')
    else this.say(formatTable(['ID', 'EMAIL', 'STATUS', 'CREATED', 'EXPIRES'], data.map((a) => [a.id, a.email, a.status, a.createdAt, a.expiresAt])))
    if (more) {
      const note = `${data.length} shown, and there are more (use --limit or --all)`
      if (this.jsonEnabled()) this.tell(note)
      else this.say(note)
    }
    return data
  }
}
