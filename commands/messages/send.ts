import {readFile} from 'node:fs/promises'
import {basename} from 'node:path'
import * as Flags from '@oclif/core/flags'
import {SendookResourceCommand} from '../../src/cli/provider-command.js'
import {inboxIdOf, type SendookMessage} from '../../src/cli/sendook-types.js'

const list = (description: string) => Flags.string({description, multiple: true, delimiter: ','})

export default class MessagesSend extends SendookResourceCommand {
  static summary = 'Send a message from a Sendook inbox (fires message.sent, then each recipient\'s outcome).'
  static description = [
    'Nothing leaves the machine. Each recipient (to and cc) gets an outcome a few seconds later (5 s, divided by the time scale):',
    'message.delivered by default; SES\'s simulator mailboxes and tags choose another one: bounce@simulator.amazonses.com and',
    'suppressionlist@… bounce, complaint@… is delivered then complains; any address tagged +bounce, +complaint or +reject',
    '(jane+bounce@example.com) does so. A local inbox\'s address also receives the message (message.received).',
  ].join('\n')
  static examples = [
    '<%= config.bin %> messages send --inbox support@sendook.local --to customer@example.com --subject Welcome --text "Hello!"',
    '<%= config.bin %> messages send --inbox support@sendook.local --to bounce@simulator.amazonses.com,jane+complaint@example.com --subject Test --text t --json',
  ]
  static flags = {
    inbox: Flags.string({description: 'Inbox to send from, id or address.', required: true}),
    to: Flags.string({description: 'Recipients (repeatable, or comma-separated).', required: true, multiple: true, delimiter: ','}),
    cc: list('Cc recipients.'),
    bcc: list('Bcc recipients (kept on the message; Sendook does not send to them).'),
    label: list('Labels.'),
    subject: Flags.string({description: 'Subject.', default: 'Test message from junkmail'}),
    text: Flags.string({description: 'Plain-text body.', default: 'Sent with junkmail messages send.'}),
    html: Flags.string({description: 'HTML body (default: the text).'}),
    attach: Flags.string({description: 'Attach a file (repeatable).', multiple: true}),
  }

  async run(): Promise<SendookMessage> {
    const {flags} = await this.parse(MessagesSend)
    const attachments = await Promise.all((flags.attach ?? []).map(async (path) => ({content: (await readFile(path)).toString('base64'), name: basename(path)})))
    const client = await this.client(flags)
    const inboxId = await inboxIdOf(client, flags.inbox)
    const m = await client.post<SendookMessage>(`/v1/inboxes/${inboxId}/messages/send`, {
      to: flags.to,
      ...(flags.cc ? {cc: flags.cc} : {}),
      ...(flags.bcc ? {bcc: flags.bcc} : {}),
      ...(flags.label ? {labels: flags.label} : {}),
      subject: flags.subject,
      text: flags.text,
      html: flags.html ?? flags.text,
      ...(attachments.length > 0 ? {attachments} : {}),
    })
    this.say(`Sent message ${m._id} from ${m.from} to ${[...m.to, ...m.cc].join(', ')} (thread ${m.threadId})`)
    return m
  }
}
