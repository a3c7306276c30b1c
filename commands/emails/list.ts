import * as Flags from '@oclif/core/flags'
import {JunkMailResourceCommand} from '../../src/cli/provider-command.js'
import {formatTable} from '../../src/cli/format-table.js'
import {type Listed, pageFlags, readList, truncationNote} from '../../src/cli/paged-list.js'
import type {PresentedEmail} from '../../src/cli/mail-types.js'

export default class EmailsList extends JunkMailResourceCommand {
  static summary = 'List received mail, newest first.'
  static description = 'Shows the newest --limit; says when there are more. With --json: {"data": [...], "total": N, "next": <id to pass as before= to the API, or null>}.'
  static examples = ['<%= config.bin %> emails list', '<%= config.bin %> emails list --address 550e8400-e29b-41d4-a716-446655440000 --json']
  static flags = {
    address: Flags.string({description: 'Only mail of this address (id).'}),
    ...pageFlags(50),
  }

  async run(): Promise<Listed<PresentedEmail>> {
    const {flags} = await this.parse(EmailsList)
    const client = await this.client(flags)
    const listed = await readList<PresentedEmail>(client, '/api/v1/emails', {addressId: flags.address}, flags)
    if (listed.data.length === 0) this.say('No mail yet. Send some with: junkmail send --to test@junkmail.local')
    else this.say(formatTable(['ID', 'TO', 'FROM', 'SUBJECT', 'RECEIVED', 'SIZE'], listed.data.map((e) => [e.id, e.to, e.from, e.subject, e.receivedAt, e.size])))
    // Cut short: said (on stderr under --json, after the table otherwise), never silently.
    const note = truncationNote(listed)
    if (note && this.jsonEnabled()) this.tell(note)
    else if (note) this.say(note)
    return listed
  }
}
