import * as Args from '@oclif/core/args'
import {SendookResourceCommand} from '../../src/cli/provider-command.js'
import type {SendookInbox} from '../../src/cli/sendook-types.js'

export default class InboxesDelete extends SendookResourceCommand {
  static summary = 'Delete a Sendook inbox and its messages (fires inbox.deleted).'
  static examples = ['<%= config.bin %> inboxes delete 65f1c0ffee0000000000abcd']
  static args = {id: Args.string({description: 'Inbox id.', required: true})}

  async run(): Promise<SendookInbox> {
    const {args, flags} = await this.parse(InboxesDelete)
    const client = await this.client(flags)
    const inbox = await client.delete<SendookInbox>(`/v1/inboxes/${encodeURIComponent(args.id)}`)
    this.say(`Deleted inbox ${inbox._id} (${inbox.email}) and its messages`)
    return inbox
  }
}
