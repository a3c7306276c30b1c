import {randomUUID} from 'node:crypto'
import {StoreWriteError} from '../store/store-errors.js'
import type {AddressRecord, Delivery, EventRecord} from '../store/types.js'
import type {EmulatorContext} from './emulator-context.js'
import {OperationError} from './emulator-context.js'
import {emitEvent, recordEvent} from './event-operations.js'

/** Default lifetime of an address, in (uncompressed) seconds: one hour. */
export const DEFAULT_LIFETIME_SECONDS = 3600
/** Longest lifetime accepted: 30 days. */
export const MAX_LIFETIME_SECONDS = 30 * 24 * 3600

const LOCAL_PART = /^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?$/

/** Why a local part is not acceptable, or null if it is. */
export function localPartProblem(localPart: string): string | null {
  if (localPart.length > 64) return 'must be at most 64 characters'
  if (!LOCAL_PART.test(localPart)) return 'must be lower-case letters, digits and . _ + - (not first or last)'
  if (localPart.includes('..')) return 'must not contain ".."'
  return null
}

/** A readable random local part: `brisk-cedar-4821`. */
function randomLocalPart(): string {
  const words = ['amber', 'brisk', 'cedar', 'delta', 'ember', 'fable', 'gusty', 'harbor', 'ivory', 'jolly', 'kelp', 'lunar', 'maple', 'nova']
  const pick = () => words[Math.floor(Math.random() * words.length)]
  return `${pick()}-${pick()}-${Math.floor(1000 + Math.random() * 9000)}`
}

/** Public shape of an address. */
export function presentAddress(a: AddressRecord) {
  return {id: a.id, email: a.email, createdAt: a.createdAt, expiresAt: a.expiresAt, status: a.status, expiredAt: a.expiredAt}
}

/**
 * Creates a disposable address on the local domain and fires `address.created` (unless `quiet`),
 * both in one journal line: kept together, or refused together. Its lifetime runs on the emulator
 * clock: it expires after `lifetimeSeconds / time scale`.
 */
export async function createAddress(
  ctx: EmulatorContext,
  input: {localPart?: string; lifetimeSeconds?: number; source: string; quiet?: boolean; webhookId?: string; overrides?: Record<string, unknown>},
): Promise<AddressRecord> {
  const address = recordAddress(ctx, input)
  if (!input.quiet) {
    await emitEvent(ctx, {
      type: 'address.created',
      data: {addressId: address.id, email: address.email, createdAt: address.createdAt, expiresAt: address.expiresAt, ...input.overrides},
      source: input.source,
      webhookId: input.webhookId,
    })
  } else await ctx.store.commit()
  return address
}

/**
 * Adds a new address to the store (and its expiry to the clock) without waiting for the disk: the
 * caller commits it with its own changes, in the same turn, so that both are kept or neither.
 * Throws a 400 or 409 {@link OperationError} for a bad or taken local part, before any change.
 */
export function recordAddress(ctx: EmulatorContext, input: {localPart?: string; lifetimeSeconds?: number; source: string}): AddressRecord {
  const domain = ctx.mail.localDomain
  let localPart = input.localPart?.toLowerCase()
  if (localPart !== undefined) {
    const problem = localPartProblem(localPart)
    if (problem) throw new OperationError(400, 'validation_error', `localPart: ${problem}`, 'localPart')
    const existing = ctx.store.findAddress(`${localPart}@${domain}`)
    if (existing) throw new OperationError(409, 'address_exists', `${existing.email} already exists (id ${existing.id}, ${existing.status})`, 'localPart')
  } else {
    do localPart = randomLocalPart()
    while (ctx.store.findAddress(`${localPart}@${domain}`))
  }
  const lifetimeSeconds = input.lifetimeSeconds ?? ctx.mail.defaultLifetimeSeconds
  const now = ctx.clock.now()
  // As asked, in emulator time (an hour is an hour, or one `clock advance 1h`), unless lifetimes
  // are to play out compressed like the retry schedule.
  const expiresAtMs = now + (ctx.mail.scaleLifetimes ? ctx.clock.scaled(lifetimeSeconds * 1000) : lifetimeSeconds * 1000)
  const address = ctx.store.addAddress({
    id: randomUUID(),
    email: `${localPart}@${domain}`,
    createdAt: ctx.provider.isoTime(now),
    expiresAt: ctx.provider.isoTime(expiresAtMs),
    expiresAtMs,
    status: 'active',
    expiredAt: null,
    lifetimeSeconds,
    source: input.source,
  })
  // (If the line holding it is refused, the address is gone when its time comes: nothing happens.)
  ctx.mail.expiry.schedule(address.id, expiresAtMs)
  return address
}

/** Expires an address now (or when its time has come): fires `address.expired` exactly once. */
export async function expireAddress(
  ctx: EmulatorContext,
  id: string,
  source = 'clock',
  target: {webhookId?: string; overrides?: Record<string, unknown>} = {},
): Promise<AddressRecord> {
  const address = requireAddress(ctx, id)
  if (address.status === 'expired') {
    if (source === 'clock') return address
    throw new OperationError(409, 'address_expired', `${address.email} has already expired (at ${address.expiredAt})`, 'id')
  }
  const expiredAt = ctx.provider.isoTime(ctx.clock.now())
  // The event first (it may be refused: then nothing is touched), then the change, in one line.
  const recorded = recordEvent(ctx, {type: 'address.expired', data: {addressId: address.id, email: address.email, expiredAt, ...target.overrides}, source, webhookId: target.webhookId})
  ctx.store.updateAddress(address, {status: 'expired', expiredAt})
  await ctx.store.commit()
  recorded.send()
  return address
}

/** Deletes an address and its mail (raw bytes too); fires `address.deleted` (the trigger of that event comes here too). */
export async function deleteAddress(
  ctx: EmulatorContext,
  id: string,
  source = 'api',
  target: {webhookId?: string; overrides?: Record<string, unknown>} = {},
): Promise<{event: EventRecord; deliveries: Delivery[]}> {
  const address = requireAddress(ctx, id)
  const data = {addressId: address.id, email: address.email, deletedAt: ctx.provider.isoTime(ctx.clock.now()), ...target.overrides}
  // The event first (it may be refused: then nothing is touched), then the deletion, in one journal
  // line: both are kept or neither. Records are gone before their bytes (see deleteEmail).
  const recorded = recordEvent(ctx, {type: 'address.deleted', data, source, webhookId: target.webhookId})
  const emails = ctx.store.deleteAddress(id)
  await ctx.store.commit()
  await Promise.all(emails.map((e) => ctx.mail.raw.detach(e.id)))
  recorded.send()
  return recorded
}

/** Called by the expiry clock. An expiry the store could not write is tried again once it can. */
export function onAddressDue(ctx: EmulatorContext, id: string): Promise<unknown> | undefined {
  const address = ctx.store.getAddress(id)
  if (!address || address.status !== 'active' || address.expiresAtMs > ctx.clock.now()) return
  return expireAddress(ctx, id, 'clock').catch((error) => {
    // The store has already reported it (once), and rolled the address back to active.
    if (error instanceof StoreWriteError) void ctx.store.whenWritable().then(() => ctx.mail.expiry.schedule(id, ctx.clock.now()))
    else ctx.events.emit('store.error', {error: error as Error})
  })
}

/** Schedules the expiry of every active address (at start; overdue ones expire at once). */
export function resumeExpiries(ctx: EmulatorContext): void {
  for (const a of ctx.store.activeAddresses()) ctx.mail.expiry.schedule(a.id, a.expiresAtMs)
}

/** The address with this id, or a 404 naming `field` (the request's field that held the id). */
export function requireAddress(ctx: EmulatorContext, id: string, field = 'id'): AddressRecord {
  const address = ctx.store.getAddress(id)
  if (!address) throw new OperationError(404, 'not_found', `no address with id ${id}`, field)
  return address
}
