import * as Args from '@oclif/core/args'
import {JunkMailResourceCommand} from '../../src/cli/provider-command.js'
import type {EmailDetail} from '../../src/cli/mail-types.js'
import {oneLine} from '../../src/cli/terminal-text.js'

export default class EmailsGet extends JunkMailResourceCommand {
  static summary = 'Show one email: headers, addresses, text body and attachments.'
  static examples = ['<%= config.bin %> emails get 6ba7b810-9dad-11d1-80b4-00c04fd430c8', '<%= config.bin %> emails get 6ba7b810-9dad-11d1-80b4-00c04fd430c8 --json | jq -r .html']
  static args = {id: Args.string({description: 'Email id.', required: true})}

  async run(): Promise<EmailDetail> {
    const {args, flags} = await this.parse(EmailsGet)
    const client = await this.client(flags)
    const {data: e} = await client.get<{data: EmailDetail}>(`/api/v1/emails/${encodeURIComponent(args.id)}`)
    this.say(`From:     ${oneLine(e.from)}`)
    this.say(`To:       ${oneLine(e.to)}`)
    if (e.cc.length) this.say(`Cc:       ${oneLine(e.cc.join(', '))}`)
    this.say(`Subject:  ${oneLine(e.subject)}`)
    this.say(`Received: ${e.receivedAt} (${e.size} bytes, email ${e.id})`)
    if (e.parseError) this.say(`Parse:    ${oneLine(e.parseError)} (the raw message is kept: junkmail emails raw ${e.id})`)
    for (const a of e.attachments) this.say(`Attached: [${a.index}] ${oneLine(a.filename ?? '(no name)')} ${oneLine(a.contentType)} ${a.size} bytes`)
    this.say('')
    this.say(e.text ?? (e.html ? '(HTML only: see --json or the raw message)' : '(no text body)'))
    return e
  }
}
