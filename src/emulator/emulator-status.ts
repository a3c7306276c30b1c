import type {SmtpActivity} from '../smtp/smtp-sink.js'
import type {EmulatorContext} from './emulator-context.js'

/** Facts about the running emulator that its status reports, besides what the context holds. */
export interface EmulatorFacts {
  readonly startedAt: string
  readonly apiUrl: () => string
  readonly dataDir: string | null
  readonly version: string
  /** Where the SMTP sink listens and what it is doing, once started (null without one). */
  readonly smtp: () => ({host: string; port: number} & SmtpActivity) | null
}

/** The emulator's facts and counts, as `GET /_emulator/v1/status` answers them (and `RunningEmulator.status()`). */
export function emulatorStatus(ctx: EmulatorContext, facts: EmulatorFacts) {
  return {
    version: facts.version,
    node: process.version,
    pid: process.pid,
    startedAt: facts.startedAt,
    apiUrl: facts.apiUrl(),
    smtp: facts.smtp(),
    localDomain: ctx.mail.localDomain,
    strictRecipients: ctx.mail.strictRecipients,
    /** Who the SMTP sink takes mail for, in words (null without a sink). */
    mailTo: ctx.provider.mail ? ctx.provider.mail.describe(ctx) : null,
    dataDir: facts.dataDir,
    inMemory: facts.dataDir === null,
    provider: ctx.provider.name,
    providerName: ctx.provider.displayName,
    /** Where the provider's API is under apiUrl, e.g. `/api/v1`. */
    apiPath: ctx.provider.apiPath,
    timeScale: ctx.clock.scale,
    /** `real`: time runs by itself (plus what `clock advance` added); `manual`: only `clock advance` moves it. */
    clock: ctx.clock.state(),
    attemptTimeoutMs: ctx.attemptTimeoutMs,
    counts: {...ctx.store.counts(), ...(ctx.provider.catcher?.counts(ctx) ?? {mailboxes: 0, messages: 0})},
    /** What mailboxes and messages are called here (JunkMail: addresses, emails; Sendook: inboxes, messages). */
    nouns: ctx.provider.catcher?.nouns ?? null,
    storeError: ctx.store.lastError?.message ?? null,
    /** The raw-mail spool: segment files, their bytes, the bytes some email names (the rest is deleted mail, reclaimed by compaction). */
    spool: ctx.mail.raw.stats(),
    spoolError: ctx.mail.raw.lastError?.message ?? null,
  }
}

export type EmulatorStatusData = ReturnType<typeof emulatorStatus>
