import * as Args from '@oclif/core/args'
import {JunkMailResourceCommand} from '../../src/cli/provider-command.js'
import type {PresentedAddress} from '../../src/cli/mail-types.js'

export default class AddressesGet extends JunkMailResourceCommand {
  static summary = 'Show one address.'
  static examples = ['<%= config.bin %> addresses get 550e8400-e29b-41d4-a716-446655440000']
  static args = {id: Args.string({description: 'Address id.', required: true})}

  async run(): Promise<PresentedAddress> {
    const {args, flags} = await this.parse(AddressesGet)
    const client = await this.client(flags)
    const {data} = await client.get<{data: PresentedAddress}>(`/api/v1/addresses/${encodeURIComponent(args.id)}`)
    this.say(`Address ${data.id}`)
    this.say(`  email    ${data.email}`)
    this.say(`  status   ${data.status}${data.expiredAt ? ` (expired ${data.expiredAt})` : ''}`)
    this.say(`  created  ${data.createdAt}`)
    this.say(`  expires  ${data.expiresAt}`)
    return data
  }
}
