import * as Flags from '@oclif/core/flags'
import {formatTable} from '../../src/cli/format-table.js'
import {SendookResourceCommand} from '../../src/cli/provider-command.js'
import {inboxIdOf, messageStatus, type SendookMessage} from '../../src/cli/sendook-types.js'

export default class MessagesList extends SendookResourceCommand {
  static summary = 'List the messages of a Sendook inbox, sent and received, oldest first.'
  static description = '--query is matched as Sendook matches it: a case-insensitive regular expression over subject, text, html, to, cc, bcc and labels.'
  static examples = ['<%= config.bin %> messages list --inbox support@sendook.local', '<%= config.bin %> messages list --inbox 65f1c0ffee0000000000abcd --query invoice --json']
  static flags = {
    inbox: Flags.string({description: 'Inbox id or address.', required: true}),
    query: Flags.string({description: 'Only messages matching this regular expression.'}),
  }

  async run(): Promise<SendookMessage[]> {
    const {flags} = await this.parse(MessagesList)
    const client = await this.client(flags)
    const inboxId = await inboxIdOf(client, flags.inbox)
    const messages = await client.get<SendookMessage[]>(`/v1/inboxes/${inboxId}/messages`, {query: flags.query})
    if (messages.length === 0) this.say(flags.query ? 'No message matches.' : 'No messages yet. Send one with: junkmail messages send --inbox … --to …, or mail the inbox with: junkmail send --to <its address>')
    else this.say(formatTable(['ID', 'STATUS', 'FROM', 'TO', 'SUBJECT', 'CREATED'], messages.map((m) => [m._id, messageStatus(m), m.from, m.to.join(', '), m.subject, m.createdAt])))
    return messages
  }
}
