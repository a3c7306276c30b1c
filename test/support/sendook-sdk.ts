// The HTTP calls of Sendook's official Node SDK (getrupt/sendook v0.1.2, node-sdk/index.ts), one for
// one: `new Sendook(apiKey, apiUrl)` sends every call to `${apiUrl}/v1/...` with
// `Authorization: Bearer <key>` and JSON bodies (undefined fields dropped), returns the parsed body,
// and throws on a non-2xx answer with its status and body, as axios does. The SDK is not on the npm
// registry this project installs from, so its calls are written out here rather than imported.

export class SendookApiError extends Error {
  constructor(
    readonly status: number,
    readonly data: unknown,
    readonly text: string,
  ) {
    super(`Request failed with status code ${status}`)
  }
}

export class Sendook {
  constructor(
    private readonly apiSecret: string,
    private readonly apiUrl: string,
  ) {}

  private async call<T = any>(method: string, path: string, body?: Record<string, unknown>): Promise<T> {
    const response = await fetch(`${this.apiUrl}/v1${path}`, {
      method,
      headers: {Authorization: `Bearer ${this.apiSecret}`, Accept: 'application/json, text/plain, */*', ...(body ? {'Content-Type': 'application/json'} : {})},
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await response.text()
    let data: unknown = text
    try {
      data = JSON.parse(text)
    } catch {}
    if (response.status < 200 || response.status >= 300) throw new SendookApiError(response.status, data, text)
    return data as T
  }

  webhook = {
    create: ({url, events}: {url: string; events: string[]}) => this.call('POST', '/webhooks', {url, events}),
    list: () => this.call<any[]>('GET', '/webhooks'),
    get: (webhookId: string) => this.call('GET', `/webhooks/${webhookId}`),
    test: (webhookId: string) => this.call('POST', `/webhooks/${webhookId}/test`, {}),
    delete: (webhookId: string) => this.call('DELETE', `/webhooks/${webhookId}`),
  }
}
