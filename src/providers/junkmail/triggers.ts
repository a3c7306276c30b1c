import {composeMessage} from '../../mail/compose-message.js'
import {sampleSender, sampleSubject} from './sample-data.js'
import type {AddressRecord} from '../../store/types.js'
import type {ResourceTrigger} from '../provider.js'
import {createAddress, deleteAddress, recordAddress, requireAddress} from '../../emulator/address-operations.js'
import {type EmulatorContext, OperationError} from '../../emulator/emulator-context.js'
import {emitEvent} from '../../emulator/event-operations.js'
import {deleteEmail, ingestMessage, requireEmail} from '../../emulator/mail-operations.js'

const source = 'trigger'

/**
 * The address named by `set.addressId` (active unless `allowExpired`), or a new one, added without
 * waiting for the disk: the trigger's own change commits it, in the same journal line.
 */
function addressFor(ctx: EmulatorContext, set: Record<string, unknown>, allowExpired = false): AddressRecord {
  if (typeof set.addressId === 'string') {
    const address = requireAddress(ctx, set.addressId, 'set.addressId')
    if (!allowExpired && address.status !== 'active') throw new OperationError(409, 'address_expired', `address ${address.id} has expired`, 'set.addressId')
    return address
  }
  return recordAddress(ctx, {source})
}

/**
 * Receives a real message (composed from the sample or `--set` values) into a real address. A new
 * address is committed on its own first: the message is stored after awaits, in a later line.
 * `from` and `subject` become header lines: CR, LF or NUL in them would add headers of their own
 * (`from=a@b\r\nBcc: …`), so they are refused before anything is created.
 */
async function receive(ctx: EmulatorContext, set: Record<string, unknown>) {
  for (const field of ['from', 'subject']) {
    const value = set[field]
    if (typeof value === 'string' && /[\r\n\0]/.test(value)) {
      throw new OperationError(400, 'invalid_value', `set.${field} must not contain CR, LF or NUL: it becomes a mail header line`, `set.${field}`)
    }
  }
  const address = typeof set.addressId === 'string' ? addressFor(ctx, set) : await createAddress(ctx, {source, quiet: true})
  const from = typeof set.from === 'string' ? set.from : sampleSender()
  const subject = typeof set.subject === 'string' ? set.subject : sampleSubject()
  const {raw, messageId} = composeMessage({from, to: address.email, subject, text: `Sent by junkmail trigger to ${address.email}.`})
  // The message was composed here, so its summary is known: no parse. `from` is kept as asked
  // (a --set from=... may not be a bare address).
  const summary = {messageId, from, subject, parseError: null}
  const [email] = await ingestMessage(ctx, {chunks: [raw], mailFrom: from, recipients: [address], authUser: null, remoteAddress: null, source, emit: false, summary})
  if (!email) throw new OperationError(409, 'address_gone', `address ${address.id} was deleted or expired while the mail was stored`, 'set.addressId')
  return email
}

const generated = (field: string) => new OperationError(400, 'invalid_value', `set.${field}: ids are generated; to act on an existing resource use set.addressId or set.emailId where the event allows`, `set.${field}`)

/** The JunkMail catalog's triggers, each doing for real what the event reports. */
export const resourceTriggers: Record<string, ResourceTrigger> = {
  async 'email.received'(ctx, set, webhookId) {
    if ('emailId' in set) throw generated('emailId')
    const email = await receive(ctx, set)
    const data = {emailId: email.id, addressId: email.addressId, from: email.from, subject: email.subject, receivedAt: email.receivedAt}
    return emitEvent(ctx, {type: 'email.received', data: {...data, ...pick(set, ['receivedAt'])}, source, webhookId})
  },

  async 'email.deleted'(ctx, set, webhookId) {
    const email = typeof set.emailId === 'string' ? requireEmail(ctx, set.emailId, 'set.emailId') : await receive(ctx, set)
    return deleteEmail(ctx, email.id, source, {webhookId, overrides: pick(set, ['deletedAt'])})
  },

  async 'address.created'(ctx, set, webhookId) {
    if ('addressId' in set) throw generated('addressId')
    let localPart: string | undefined
    if (typeof set.email === 'string') {
      const [local, domain] = set.email.toLowerCase().split('@')
      if (domain !== ctx.mail.localDomain) throw new OperationError(400, 'invalid_value', `set.email must be an address @${ctx.mail.localDomain}`, 'set.email')
      localPart = local
    }
    // The address and its event in one journal line: kept together or refused together.
    const address = recordAddress(ctx, {localPart, source})
    const data = {addressId: address.id, email: address.email, createdAt: address.createdAt, expiresAt: address.expiresAt}
    return emitEvent(ctx, {type: 'address.created', data: {...data, ...pick(set, ['createdAt', 'expiresAt'])}, source, webhookId})
  },

  async 'address.expired'(ctx, set, webhookId) {
    if ('email' in set) throw new OperationError(400, 'invalid_value', 'set.email: name the address with set.addressId', 'set.email')
    const address = addressFor(ctx, set)
    const expiredAt = ctx.provider.isoTime(ctx.clock.now())
    ctx.store.updateAddress(address, {status: 'expired', expiredAt})
    const data = {addressId: address.id, email: address.email, expiredAt}
    return emitEvent(ctx, {type: 'address.expired', data: {...data, ...pick(set, ['expiredAt'])}, source, webhookId})
  },

  async 'address.deleted'(ctx, set, webhookId) {
    if ('email' in set) throw new OperationError(400, 'invalid_value', 'set.email: name the address with set.addressId', 'set.email')
    const address = addressFor(ctx, set, true)
    return deleteAddress(ctx, address.id, source, {webhookId, overrides: pick(set, ['deletedAt'])})
  },
}

function pick(set: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => f in set).map((f) => [f, set[f]]))
}
