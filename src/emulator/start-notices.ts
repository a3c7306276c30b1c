import type {HappeningBody} from '../feed/happening.js'
import type {TornLine} from '../store/replay-journal.js'
import {isLoopbackHost} from './loopback.js'

/** A notice or warning about the start, as the feed carries it. */
export type StartNotice = Extract<HappeningBody, {kind: 'notice' | 'warning'}>

/**
 * What the user should know about this start, in order: a torn journal line dropped, runtime files
 * taken over, listening beyond loopback. The feed opens with these.
 */
export function startNotices(start: {torn: TornLine | null; takenOver: readonly string[]; host: string}): StartNotice[] {
  const notices: StartNotice[] = []
  const {torn} = start
  if (torn) {
    const message = `dropped the torn last line ${torn.line} of ${torn.file} (${torn.bytes} bytes): a write cut short by a crash, never acknowledged; nothing committed was lost`
    notices.push({kind: 'warning', code: 'torn_journal_line', message})
  }
  for (const message of start.takenOver) notices.push({kind: 'notice', code: 'runtime_file_taken_over', message})
  if (!isLoopbackHost(start.host)) {
    const message = `the API and the SMTP sink listen on ${start.host}, beyond this machine: whoever can reach it and has the API key can read every mail and register webhooks`
    notices.push({kind: 'warning', code: 'listening_beyond_loopback', message})
  }
  return notices
}
