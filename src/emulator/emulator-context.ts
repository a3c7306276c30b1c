import type {TimeScale} from '../clock/time-scale.js'
import type {Dispatcher} from '../dispatch/dispatcher.js'
import type {ProviderProfile} from '../providers/provider-profile.js'
import type {Store} from '../store/store.js'
import type {EmulatorEvents} from './emulator-events.js'

/** The parts one emulator is made of, handed to every operation. */
export interface EmulatorContext {
  readonly store: Store
  readonly dispatcher: Dispatcher
  readonly profile: ProviderProfile
  readonly events: EmulatorEvents
  readonly timeScale: TimeScale
  readonly attemptTimeoutMs: number
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
