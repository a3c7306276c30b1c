import * as Flags from '@oclif/core/flags'
import {JunkMailResourceCommand} from '../../src/cli/provider-command.js'
import {formatTable} from '../../src/cli/format-table.js'
import type {PresentedEmail} from '../../src/cli/mail-types.js'

export default class EmailsList extends JunkMailResourceCommand {
  static summary = 'List received mail, newest first.'
  static examples = ['<%= config.bin %> emails list', '<%= config.bin %> emails list --address 550e8400-e29b-41d4-a716-446655440000 --json']
  static flags = {
    address: Flags.string({description: 'Only mail of this address (id).'}),
    limit: Flags.integer({description: 'How many to show (the newest).', default: 50, min: 1, max: 99_999, exclusive: ['all']}),
    all: Flags.boolean({description: 'Show every one.', default: false}),
  }

  async run(): Promise<PresentedEmail[]> {
    const {flags} = await this.parse(EmailsList)
    const client = await this.client(flags)
    const {data: read} = await client.get<{data: PresentedEmail[]}>('/api/v1/emails', {addressId: flags.address, limit: flags.all ? 100_000 : flags.limit + 1})
    // One more than asked for says whether there are more: a list never stops short without saying so.
    const more = !flags.all && read.length > flags.limit
    const data = more ? read.slice(0, flags.limit) : read
    if (data.length === 0) this.say('No mail yet. Send some with: junkmail send --to test@junkmail.local')
    else this.say(formatTable(['ID', 'TO', 'FROM', 'SUBJECT', 'RECEIVED', 'SIZE'], data.map((e) => [e.id, e.to, e.from, e.subject, e.receivedAt, e.size])))
    if (more) {
      const note = `${data.length} shown, and there are more (use --limit or --all)`
      if (this.jsonEnabled()) this.tell(note)
      else this.say(note)
    }
    return data
  }
}
