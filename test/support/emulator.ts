import {onTestFinished} from 'vitest'
import {type EmulatorOptions, type RunningEmulator, startEmulator} from '../../src/emulator/start-emulator.js'

/** Starts a real emulator on 127.0.0.1:0 (in memory unless a dataDir is given), stopped after the test. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator & {api: Api}> {
  const emulator = await startEmulator({port: 0, smtpPort: 0, dataDir: null, ...options})
  onTestFinished(() => emulator.stop())
  return Object.assign(emulator, {api: api(emulator.url, emulator.apiKey)})
}

export interface ApiResponse<T = any> {
  status: number
  headers: Headers
  body: T
  text: string
}

export type Api = (method: string, path: string, options?: {body?: unknown; rawBody?: string; headers?: Record<string, string>; key?: string | null}) => Promise<ApiResponse>

/** A tiny real-HTTP client of the emulator: JSON in, parsed JSON out. */
export function api(baseUrl: string, apiKey: string): Api {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = {...options.headers}
    const key = options.key === undefined ? apiKey : options.key
    if (key !== null) headers.authorization ??= `Bearer ${key}`
    let body: string | undefined
    if (options.rawBody !== undefined) body = options.rawBody
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body)
      headers['content-type'] ??= 'application/json'
    }
    const response = await fetch(baseUrl + path, {method, headers, body})
    const text = await response.text()
    let parsed: unknown = null
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      parsed = null
    }
    return {status: response.status, headers: response.headers, body: parsed, text}
  }
}

/** An event as the emulator recorded it. */
export interface RecordedEvent {
  id: string
  type: string
  source: string
  payload: {event: string; timestamp: number; data: Record<string, any>}
}

/**
 * Every event the emulator has recorded (of one type, if given), oldest first. An event is recorded
 * before the call that caused it is answered (the API reply, the SMTP 250): a check of this list
 * needs no waiting.
 */
export async function recordedEvents(api: Api, type?: string): Promise<RecordedEvent[]> {
  const {status, body, text} = await api('GET', `/_emulator/v1/events?limit=100000${type ? `&type=${encodeURIComponent(type)}` : ''}`)
  if (status !== 200) throw new Error(`GET /_emulator/v1/events: ${status} ${text}`)
  return (body.data as RecordedEvent[]).reverse()
}
