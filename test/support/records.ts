import type {Webhook} from '../../src/store/types.js'

/** A webhook record as the store holds it, for tests that build a store by hand. */
export function webhookRecord(id: string, changes: Partial<Webhook> = {}): Webhook {
  return {
    id,
    url: 'http://127.0.0.1:1/hook',
    events: ['email.received'],
    secret: 'whsec_x',
    createdAt: '2026-01-01T00:00:00Z',
    enabled: true,
    failureCount: 0,
    disabledAt: null,
    disabledReason: null,
    ...changes,
  }
}
