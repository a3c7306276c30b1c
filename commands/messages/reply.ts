import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {SendookResourceCommand} from '../../src/cli/provider-command.js'
import {inboxIdOf, type SendookMessage} from '../../src/cli/sendook-types.js'

export default class MessagesReply extends SendookResourceCommand {
  static summary = 'Reply to a Sendook message: to its sender, "Re: " and its subject, in its thread.'
  static examples = ['<%= config.bin %> messages reply 65f1c0ffee0000000000beef --inbox support@sendook.local --text "On it!"']
  static args = {id: Args.string({description: 'Message replied to.', required: true})}
  static flags = {
    inbox: Flags.string({description: 'Inbox replying, id or address.', required: true}),
    text: Flags.string({description: 'Plain-text body.', required: true}),
    html: Flags.string({description: 'HTML body (default: the text).'}),
  }

  async run(): Promise<SendookMessage> {
    const {args, flags} = await this.parse(MessagesReply)
    const client = await this.client(flags)
    const inboxId = await inboxIdOf(client, flags.inbox)
    const m = await client.post<SendookMessage>(`/v1/inboxes/${inboxId}/messages/${encodeURIComponent(args.id)}/reply`, {text: flags.text, html: flags.html ?? flags.text})
    this.say(`Sent reply ${m._id} to ${m.to.join(', ')}: ${m.subject} (thread ${m.threadId})`)
    return m
  }
}
