import type {CatalogEvent} from '../provider.js'
import {sampleId, sampleLocalPart, sampleSender, sampleSubject} from './sample-data.js'

/** Domain of the emulator's disposable addresses. */
export const LOCAL_DOMAIN = 'junkmail.local'

/** Default lifetime of a disposable address, in real milliseconds (1 hour). */
export const DEFAULT_ADDRESS_LIFETIME_MS = 60 * 60 * 1000

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** The five JunkMail events, in the contract's order; `email.received` is the contract's payload field for field. */
export const junkmailCatalog: readonly CatalogEvent[] = [
  {
    type: 'email.received',
    description: 'A new email has been received',
    fields: {emailId: 'string', addressId: 'string', from: 'string', subject: 'string', receivedAt: 'string'},
    sample: (now) => ({
      emailId: sampleId(),
      addressId: sampleId(),
      from: sampleSender(),
      subject: sampleSubject(),
      receivedAt: iso(now),
    }),
  },
  {
    type: 'email.deleted',
    description: 'An email has been deleted',
    fields: {emailId: 'string', addressId: 'string', deletedAt: 'string'},
    sample: (now) => ({emailId: sampleId(), addressId: sampleId(), deletedAt: iso(now)}),
  },
  {
    type: 'address.created',
    description: 'A new address has been created',
    fields: {addressId: 'string', email: 'string', createdAt: 'string', expiresAt: 'string'},
    sample: (now) => ({
      addressId: sampleId(),
      email: `${sampleLocalPart()}@${LOCAL_DOMAIN}`,
      createdAt: iso(now),
      expiresAt: iso(now + DEFAULT_ADDRESS_LIFETIME_MS),
    }),
  },
  {
    type: 'address.expired',
    description: 'An address has expired',
    fields: {addressId: 'string', email: 'string', expiredAt: 'string'},
    sample: (now) => ({addressId: sampleId(), email: `${sampleLocalPart()}@${LOCAL_DOMAIN}`, expiredAt: iso(now)}),
  },
  {
    type: 'address.deleted',
    description: 'An address has been deleted',
    fields: {addressId: 'string', email: 'string', deletedAt: 'string'},
    sample: (now) => ({addressId: sampleId(), email: `${sampleLocalPart()}@${LOCAL_DOMAIN}`, deletedAt: iso(now)}),
  },
]

export {iso as junkmailTime}
