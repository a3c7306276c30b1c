/** junkmail as a library: start an emulator in-process (tests, scripts) and read what it does. */
export {startEmulator, PortInUseError, type EmulatorOptions, type RunningEmulator} from './emulator/start-emulator.js'
export * from './emulator/defaults.js'
export {EmulatorEvents, type EmulatorEventMap, type PublicWebhook} from './emulator/emulator-events.js'
export {junkmail, signPayload, generateSecret} from './providers/junkmail/index.js'
export type {ProviderProfile, CatalogEvent} from './providers/provider-profile.js'
export {JournalCorruptError, StoreCorruptError, StoreWriteError} from './store/store.js'
export {DataDirBusyError} from './runtime/runtime-file.js'
export type * from './store/types.js'
