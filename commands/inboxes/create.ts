import * as Flags from '@oclif/core/flags'
import {SendookResourceCommand} from '../../src/cli/provider-command.js'
import type {SendookInbox} from '../../src/cli/sendook-types.js'

export default class InboxesCreate extends SendookResourceCommand {
  static summary = 'Create a Sendook inbox (fires inbox.created).'
  static description = 'Without --email the address is the name as a slug on the local domain (support@sendook.local), with 10 random characters added when that is taken.'
  static examples = ['<%= config.bin %> inboxes create --name support', '<%= config.bin %> inboxes create --email sales@myapp.example --json']
  static flags = {
    name: Flags.string({description: 'Name of the inbox.'}),
    email: Flags.string({description: 'Its address (any domain; default: a random one on the local domain).'}),
  }

  async run(): Promise<SendookInbox> {
    const {flags} = await this.parse(InboxesCreate)
    const client = await this.client(flags)
    const inbox = await client.post<SendookInbox>('/v1/inboxes', {...(flags.name === undefined ? {} : {name: flags.name}), ...(flags.email === undefined ? {} : {email: flags.email})})
    this.say(`Created inbox ${inbox._id}: ${inbox.email}`)
    return inbox
  }
}
