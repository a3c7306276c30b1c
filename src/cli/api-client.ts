import {type HttpAnswer, httpCall} from './http-call.js'

/** An error answer of the emulator's API: status plus the JSON error body's fields. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** The emulator could not be reached at all. */
export class UnreachableError extends Error {
  constructor(readonly apiUrl: string, cause: unknown) {
    const code = (cause as {code?: string})?.code
    super(`no junkmail emulator answers at ${apiUrl} (${code ?? (cause as Error)?.message ?? String(cause)}); start one with: npx junkmail dev`)
    this.name = 'UnreachableError'
  }
}

/** A small JSON client of a running emulator, built on `node:http` so commands stay light (see {@link httpCall}). */
export class ApiClient {
  constructor(
    readonly apiUrl: string,
    readonly apiKey: string,
  ) {}

  get<T>(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<T> {
    return this.request<T>('GET', path + queryString(query))
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body)
  }

  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body)
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path)
  }

  /** GETs raw bytes (e.g. an `.eml`). */
  async getBytes(path: string): Promise<Buffer> {
    const answer = await this.#call('GET', path)
    if (answer.status < 200 || answer.status >= 300) throw apiError(answer, answer.body.toString('utf8'))
    return answer.body
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.#call(method, path, body)
    const text = answer.body.toString('utf8')
    if (answer.status < 200 || answer.status >= 300) throw apiError(answer, text)
    try {
      return (text ? JSON.parse(text) : null) as T
    } catch {
      throw new ApiError(answer.status, 'invalid_response', `the emulator answered HTTP ${answer.status} with a body that is not JSON: ${text.slice(0, 200)}`)
    }
  }

  async #call(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    const headers: Record<string, string> = {authorization: `Bearer ${this.apiKey}`}
    if (body !== undefined) headers['content-type'] = 'application/json'
    try {
      return await httpCall(this.apiUrl + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)})
    } catch (error) {
      throw new UnreachableError(this.apiUrl, error)
    }
  }
}

/** The API's JSON error body (or the status alone) as an {@link ApiError}. */
function apiError(answer: HttpAnswer, text: string): ApiError {
  let error: {code?: string; message?: string; field?: string} | undefined
  try {
    const parsed = JSON.parse(text)
    error = parsed.error
    // A provider's own shapes (Sendook): {"error": "Inbox not found"}, {"errors": [{path, msg}, …]}.
    if (typeof error === 'string') error = {message: error}
    const items = Array.isArray(parsed.errors) ? (parsed.errors as Array<{path?: string; msg?: string}>) : null
    if (!error && items && items.length > 0) {
      error = {code: 'invalid_request', message: items.map((e) => (e.path ? `${e.path}: ${e.msg}` : String(e.msg))).join('; '), ...(items[0].path ? {field: items[0].path} : {})}
    }
  } catch {
    // not JSON
  }
  return new ApiError(answer.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${answer.status}: ${text.slice(0, 200)}`, error?.field)
}

function queryString(query?: Record<string, string | number | boolean | undefined>): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== false) params.set(key, String(value))
  const text = params.toString()
  return text ? `?${text}` : ''
}
