import {formatTable} from '../../src/cli/format-table.js'
import {SendookResourceCommand} from '../../src/cli/provider-command.js'
import type {SendookInbox} from '../../src/cli/sendook-types.js'

export default class InboxesList extends SendookResourceCommand {
  static summary = 'List Sendook inboxes, oldest first (as GET /v1/inboxes).'
  static examples = ['<%= config.bin %> inboxes list', '<%= config.bin %> inboxes list --json']

  async run(): Promise<SendookInbox[]> {
    const {flags} = await this.parse(InboxesList)
    const client = await this.client(flags)
    const inboxes = await client.get<SendookInbox[]>('/v1/inboxes')
    if (inboxes.length === 0) this.say('No inboxes. Create one with: junkmail inboxes create --name support')
    else this.say(formatTable(['ID', 'EMAIL', 'NAME', 'CREATED'], inboxes.map((i) => [i._id, i.email, i.name ?? '', i.createdAt])))
    return inboxes
  }
}
