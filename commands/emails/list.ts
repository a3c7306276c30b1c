import * as Flags from '@oclif/core/flags'
import {JunkMailResourceCommand} from '../../src/cli/provider-command.js'
import {formatTable} from '../../src/cli/format-table.js'
import type {PresentedEmail} from '../../src/cli/mail-types.js'

export default class EmailsList extends JunkMailResourceCommand {
  static summary = 'List received mail, newest first.'
  static examples = ['<%= config.bin %> emails list', '<%= config.bin %> emails list --address 550e8400-e29b-41d4-a716-446655440000 --json']
  static flags = {
    address: Flags.string({description: 'Only mail of this address (id).'}),
    limit: Flags.integer({description: 'How many to show.', default: 50, min: 1}),
  }

  async run(): Promise<PresentedEmail[]> {
    const {flags} = await this.parse(EmailsList)
    const client = await this.client(flags)
    const {data} = await client.get<{data: PresentedEmail[]}>('/api/v1/emails', {addressId: flags.address, limit: flags.limit})
    if (data.length === 0) this.say('No mail yet. Send some with: junkmail send --to test@junkmail.local')
    else this.say(formatTable(['ID', 'TO', 'FROM', 'SUBJECT', 'RECEIVED', 'SIZE'], data.map((e) => [e.id, e.to, e.from, e.subject, e.receivedAt, e.size])))
    return data
  }
}
