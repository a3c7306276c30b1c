import type {EmulatorClock} from '../clock/emulator-clock.js'
import type {Dispatcher} from '../dispatch/dispatcher.js'
import type {Feed} from '../feed/feed.js'
import type {Provider} from '../providers/provider.js'
import type {Store} from '../store/store.js'
import type {MailSpool} from '../mail/mail-spool.js'
import type {EmulatorEvents} from './emulator-events.js'
import type {ExpiryClock} from './expiry-clock.js'

/** The mail side: raw messages, address expiry, recipient policy. */
export interface MailContext {
  readonly raw: MailSpool
  readonly expiry: ExpiryClock
  /** Domain of disposable addresses, e.g. `junkmail.local`. */
  readonly localDomain: string
  /** Refuse mail to unknown local addresses instead of creating them. */
  readonly strictRecipients: boolean
  /** Lifetime of a new address when none is asked for, in seconds. */
  readonly defaultLifetimeSeconds: number
  /** Divide address lifetimes by the time scale too (by default they last as asked, in emulator time). */
  readonly scaleLifetimes: boolean
}

/** The parts one emulator is made of, handed to every operation. */
export interface EmulatorContext {
  readonly store: Store
  readonly dispatcher: Dispatcher
  readonly provider: Provider
  readonly events: EmulatorEvents
  /** What happened, numbered and presented, for viewers (the stream route, `dev`'s log, the TUI). */
  readonly feed: Feed
  /** Emulator time (what schedules, expiries and payloads use), the time scale, `advance`. */
  readonly clock: EmulatorClock
  readonly attemptTimeoutMs: number
  readonly mail: MailContext
}

/** An operation refused for a reason the caller can fix; `status` is the HTTP status to answer with. */
export class OperationError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'OperationError'
  }
}
