import * as Args from '@oclif/core/args'
import {EMULATOR_PREFIX} from '../../src/cli/api-command.js'
import {JunkMailResourceCommand} from '../../src/cli/provider-command.js'
import type {PresentedAddress} from '../../src/cli/mail-types.js'

export default class AddressesExpire extends JunkMailResourceCommand {
  static summary = 'Expire an address now (fires address.expired; later mail to it is refused).'
  static examples = ['<%= config.bin %> addresses expire 550e8400-e29b-41d4-a716-446655440000']
  static args = {id: Args.string({description: 'Address id.', required: true})}

  async run(): Promise<PresentedAddress> {
    const {args, flags} = await this.parse(AddressesExpire)
    const client = await this.client(flags)
    const {data} = await client.post<{data: PresentedAddress}>(`${EMULATOR_PREFIX}/addresses/${encodeURIComponent(args.id)}/expire`)
    this.say(`${data.email} expired at ${data.expiredAt}`)
    return data
  }
}
