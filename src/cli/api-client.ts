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
    super(`no junkmail emulator answers at ${apiUrl} (${(cause as Error)?.cause ? String((cause as {cause: {code?: string}}).cause.code ?? cause) : String(cause)}); start one with: npx junkmail dev`)
    this.name = 'UnreachableError'
  }
}

/** A small JSON client of a running emulator, built on the global fetch so commands stay light. */
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

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path)
  }

  /** GETs raw bytes (e.g. an `.eml`). */
  async getBytes(path: string): Promise<Buffer> {
    let response: Response
    try {
      response = await fetch(this.apiUrl + path, {headers: {authorization: `Bearer ${this.apiKey}`}})
    } catch (error) {
      throw new UnreachableError(this.apiUrl, error)
    }
    const bytes = Buffer.from(await response.arrayBuffer())
    if (!response.ok) {
      let error: {code?: string; message?: string; field?: string} | undefined
      try {
        error = JSON.parse(bytes.toString('utf8')).error
      } catch {
        // not JSON
      }
      throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${response.status}`, error?.field)
    }
    return bytes
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {authorization: `Bearer ${this.apiKey}`}
    if (body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await fetch(this.apiUrl + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)})
    } catch (error) {
      throw new UnreachableError(this.apiUrl, error)
    }
    const text = await response.text()
    let json: unknown = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      // not JSON: reported below
    }
    if (!response.ok) {
      const error = (json as {error?: {code?: string; message?: string; field?: string}} | null)?.error
      throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${response.status}: ${text.slice(0, 200)}`, error?.field)
    }
    return json as T
  }
}

function queryString(query?: Record<string, string | number | boolean | undefined>): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== false) params.set(key, String(value))
  const text = params.toString()
  return text ? `?${text}` : ''
}
