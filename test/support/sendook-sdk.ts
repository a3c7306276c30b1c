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

  /** Any call, for routes the SDK has no method for (the guide's inbox update). */
  async call<T = any>(method: string, path: string, body?: Record<string, unknown>): Promise<T> {
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

  // The SDK drops undefined fields (axios's JSON), so `inbox.create()` sends `{}`.
  private static defined(body: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined))
  }

  inbox = {
    create: ({name, email}: {name?: string; email?: string} = {}) => this.call('POST', '/inboxes', Sendook.defined({name, email})),
    list: () => this.call<any[]>('GET', '/inboxes'),
    get: (inboxId: string) => this.call('GET', `/inboxes/${inboxId}`),
    delete: (inboxId: string) => this.call('DELETE', `/inboxes/${inboxId}`),
    message: {
      send: ({inboxId, to, cc, bcc, labels, subject, text, html}: {inboxId: string; to: string[]; cc?: string[]; bcc?: string[]; labels?: string[]; subject: string; text: string; html: string}) =>
        this.call('POST', `/inboxes/${inboxId}/messages/send`, Sendook.defined({to, cc, bcc, labels, subject, text, html})),
      reply: ({inboxId, messageId, text, html}: {inboxId: string; messageId: string; text: string; html: string}) =>
        this.call('POST', `/inboxes/${inboxId}/messages/${messageId}/reply`, {text, html}),
      list: (inboxId: string, query?: string) => this.call<any[]>('GET', `/inboxes/${inboxId}/messages${query === undefined ? '' : `?query=${encodeURIComponent(query)}`}`),
      get: (inboxId: string, messageId: string) => this.call('GET', `/inboxes/${inboxId}/messages/${messageId}`),
    },
    thread: {
      list: (inboxId: string) => this.call<any[]>('GET', `/inboxes/${inboxId}/threads`),
      get: (inboxId: string, threadId: string) => this.call('GET', `/inboxes/${inboxId}/threads/${threadId}`),
    },
  }

  webhook = {
    create: ({url, events}: {url: string; events: string[]}) => this.call('POST', '/webhooks', {url, events}),
    list: () => this.call<any[]>('GET', '/webhooks'),
    get: (webhookId: string) => this.call('GET', `/webhooks/${webhookId}`),
    test: (webhookId: string) => this.call('POST', `/webhooks/${webhookId}/test`, {}),
    delete: (webhookId: string) => this.call('DELETE', `/webhooks/${webhookId}`),
  }
}
