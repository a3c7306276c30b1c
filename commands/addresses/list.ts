import {JunkMailResourceCommand} from '../../src/cli/provider-command.js'
import {formatTable} from '../../src/cli/format-table.js'
import {type Listed, pageFlags, readList, truncationNote} from '../../src/cli/paged-list.js'
import type {PresentedAddress} from '../../src/cli/mail-types.js'

export default class AddressesList extends JunkMailResourceCommand {
  static summary = 'List disposable addresses, newest first.'
  static description = 'Shows the newest --limit; says when there are more. With --json: {"data": [...], "total": N, "next": <id to pass as before= to the API, or null>}.'
  static examples = ['<%= config.bin %> addresses list', '<%= config.bin %> addresses list --json']
  static flags = {
    ...pageFlags(50),
  }

  async run(): Promise<Listed<PresentedAddress>> {
    const {flags} = await this.parse(AddressesList)
    const client = await this.client(flags)
    const listed = await readList<PresentedAddress>(client, '/api/v1/addresses', {}, flags)
    if (listed.data.length === 0) this.say('No addresses. Create one with: junkmail addresses create, or just send mail to anything@junkmail.local')
    else this.say(formatTable(['ID', 'EMAIL', 'STATUS', 'CREATED', 'EXPIRES'], listed.data.map((a) => [a.id, a.email, a.status, a.createdAt, a.expiresAt])))
    // Cut short: said (on stderr under --json, after the table otherwise), never silently.
    const note = truncationNote(listed)
    if (note && this.jsonEnabled()) this.tell(note)
    else if (note) this.say(note)
    return listed
  }
}
