import {type ApiClient} from '../../cli/api-client.js'
import type {PresentedDelivery} from '../../emulator/present.js'
import type {CatalogEntry, EventDetail, EventSummary, MailboxSummary, MailDetail, MailSummary, ProbeReport, ViewerActions} from '../viewer-contract.js'
import type {PublicWebhook} from '../../emulator/emulator-events.js'

const EMULATOR = '/_emulator/v1'
const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/')

/** What a trigger or resend answers for each delivery: the delivery and how its first attempt went (never waited for here). */
type DeliveryAnswer = PresentedDelivery & {firstAttempt?: unknown}
const withoutFirstAttempt = ({firstAttempt: _firstAttempt, ...delivery}: DeliveryAnswer): PresentedDelivery => delivery

/**
 * {@link ViewerActions} over the emulator's HTTP API (`watch`; `dev` may use it on its own URL).
 * `client` may be a function, asked at every call, for an emulator that can move (a restart on
 * another port). Errors are the client's: their messages are for the user.
 */
export function httpActions(client: ApiClient | (() => ApiClient)): ViewerActions {
  const api = typeof client === 'function' ? client : () => client
  const data = async <T>(answer: Promise<{data: T}>): Promise<T> => (await answer).data
  return {
    events: (page) => data(api().get<{data: EventSummary[]}>(`${EMULATOR}/events`, {before: page.before, limit: page.limit})),
    event: (id) => data(api().get<{data: EventDetail}>(`${EMULATOR}/events/${path(id)}`)),
    catalog: () => data(api().get<{data: CatalogEntry[]}>(`${EMULATOR}/catalog`)),
    async trigger(type, set, webhookId) {
      const answer = await data(api().post<{data: {event: EventSummary; deliveries: DeliveryAnswer[]}}>(`${EMULATOR}/events`, {event: type, set, webhookId, wait: false}))
      return {...answer.event, deliveries: answer.deliveries.map(withoutFirstAttempt)}
    },
    async resend(eventId, webhookId) {
      const answer = await data(api().post<{data: {deliveries: DeliveryAnswer[]}}>(`${EMULATOR}/events/${path(eventId)}/resend`, {webhookId, wait: false}))
      return answer.deliveries.map(withoutFirstAttempt)
    },
    webhooks: () => data(api().get<{data: PublicWebhook[]}>(`${EMULATOR}/webhooks`)),
    createWebhook: (input) => data(api().post<{data: PublicWebhook & {secret: string}}>(`${EMULATOR}/webhooks`, {url: input.url, events: input.events})),
    async deleteWebhook(id) {
      await api().delete(`${EMULATOR}/webhooks/${path(id)}`)
    },
    enableWebhook: (id) => data(api().post<{data: PublicWebhook}>(`${EMULATOR}/webhooks/${path(id)}/enable`)),
    mailboxes: () => data(api().get<{data: MailboxSummary[]}>(`${EMULATOR}/mailboxes`)),
    mail: (mailboxId) => data(api().get<{data: MailSummary[]}>(`${EMULATOR}/mail`, {mailbox: mailboxId})),
    mailMessage: (id) => data(api().get<{data: MailDetail}>(`${EMULATOR}/mail/${path(id)}`)),
    probe: (webhookId) => data(api().post<{data: ProbeReport}>(`${EMULATOR}/webhooks/${path(webhookId)}/probe`, {})),
  }
}
