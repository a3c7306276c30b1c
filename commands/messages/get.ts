import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {SendookResourceCommand} from '../../src/cli/provider-command.js'
import {inboxIdOf, messageStatus, type SendookInbox, type SendookMessage} from '../../src/cli/sendook-types.js'
import {oneLine} from '../../src/cli/terminal-text.js'

export default class MessagesGet extends SendookResourceCommand {
  static summary = 'Show one Sendook message: headers, status and text.'
  static examples = ['<%= config.bin %> messages get 65f1c0ffee0000000000beef', '<%= config.bin %> messages get 65f1c0ffee0000000000beef --inbox support@sendook.local --json']
  static args = {id: Args.string({description: 'Message id.', required: true})}
  static flags = {inbox: Flags.string({description: 'Its inbox, id or address (default: found among the inboxes).'})}

  async run(): Promise<SendookMessage> {
    const {args, flags} = await this.parse(MessagesGet)
    const client = await this.client(flags)
    const inboxIds = flags.inbox ? [await inboxIdOf(client, flags.inbox)] : (await client.get<SendookInbox[]>('/v1/inboxes')).map((i) => i._id)
    const id = encodeURIComponent(args.id)
    // The API reads a message under any inbox that exists; without --inbox the first inbox does.
    if (inboxIds.length === 0) throw new Error(`no message with id ${args.id} (there are no inboxes)`)
    const m = await client.get<SendookMessage>(`/v1/inboxes/${inboxIds[0]}/messages/${id}`)
    this.say(`Message ${m._id}  ${messageStatus(m)}`)
    this.say(`  inbox    ${m.inboxId}   thread ${m.threadId}`)
    this.say(`  from     ${oneLine(m.from)}`)
    this.say(`  to       ${oneLine(m.to.join(', '))}`)
    if (m.cc.length > 0) this.say(`  cc       ${oneLine(m.cc.join(', '))}`)
    if (m.bcc.length > 0) this.say(`  bcc      ${oneLine(m.bcc.join(', '))}`)
    if (m.labels.length > 0) this.say(`  labels   ${oneLine(m.labels.join(', '))}`)
    this.say(`  subject  ${oneLine(m.subject)}`)
    this.say(`  created  ${m.createdAt}   updated ${m.updatedAt}`)
    for (const a of m.attachments) this.say(`  attached ${oneLine(a.name ?? '(no name)')} ${a.contentType ?? ''} ${Buffer.from(a.content, 'base64').length} bytes`)
    this.say('')
    this.say(m.text)
    return m
  }
}
