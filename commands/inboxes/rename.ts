import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {SendookResourceCommand} from '../../src/cli/provider-command.js'
import type {SendookInbox} from '../../src/cli/sendook-types.js'

export default class InboxesRename extends SendookResourceCommand {
  static summary = 'Rename a Sendook inbox (fires inbox.updated; PATCH /v1/inboxes/:id).'
  static examples = ['<%= config.bin %> inboxes rename 65f1c0ffee0000000000abcd --name "Help desk"']
  static args = {id: Args.string({description: 'Inbox id.', required: true})}
  static flags = {name: Flags.string({description: 'The new name.', required: true})}

  async run(): Promise<SendookInbox> {
    const {args, flags} = await this.parse(InboxesRename)
    const client = await this.client(flags)
    const inbox = await client.patch<SendookInbox>(`/v1/inboxes/${encodeURIComponent(args.id)}`, {name: flags.name})
    this.say(`Renamed inbox ${inbox._id} (${inbox.email}) to ${inbox.name}`)
    return inbox
  }
}
