import * as Args from '@oclif/core/args'
import {SendookResourceCommand} from '../../src/cli/provider-command.js'
import type {SendookInbox} from '../../src/cli/sendook-types.js'

export default class InboxesGet extends SendookResourceCommand {
  static summary = 'Show one Sendook inbox.'
  static examples = ['<%= config.bin %> inboxes get 65f1c0ffee0000000000abcd --json']
  static args = {id: Args.string({description: 'Inbox id.', required: true})}

  async run(): Promise<SendookInbox> {
    const {args, flags} = await this.parse(InboxesGet)
    const client = await this.client(flags)
    const inbox = await client.get<SendookInbox>(`/v1/inboxes/${encodeURIComponent(args.id)}`)
    this.say(`${inbox._id}  ${inbox.email}${inbox.name === undefined ? '' : `  (${inbox.name})`}  created ${inbox.createdAt}`)
    return inbox
  }
}
