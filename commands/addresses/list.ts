import * as Flags from '@oclif/core/flags'
import {JunkMailResourceCommand} from '../../src/cli/provider-command.js'
import {formatTable} from '../../src/cli/format-table.js'
import type {PresentedAddress} from '../../src/cli/mail-types.js'

export default class AddressesList extends JunkMailResourceCommand {
  static summary = 'List disposable addresses, newest first.'
  static examples = ['<%= config.bin %> addresses list', '<%= config.bin %> addresses list --json']
  static flags = {limit: Flags.integer({description: 'How many to show.', default: 50, min: 1})}

  async run(): Promise<PresentedAddress[]> {
    const {flags} = await this.parse(AddressesList)
    const client = await this.client(flags)
    const {data} = await client.get<{data: PresentedAddress[]}>('/api/v1/addresses', {limit: flags.limit})
    if (data.length === 0) this.say('No addresses. Create one with: junkmail addresses create, or just send mail to anything@junkmail.local')
    else this.say(formatTable(['ID', 'EMAIL', 'STATUS', 'CREATED', 'EXPIRES'], data.map((a) => [a.id, a.email, a.status, a.createdAt, a.expiresAt])))
    return data
  }
}
