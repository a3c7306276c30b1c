import type {FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods} from 'fastify'
import type {Store} from '../store/store.js'
import {errorBody} from './api-error.js'
import {authorize} from './auth.js'

/** One method of a resource: who may call it and what it answers. */
export interface MethodSpec {
  /** Scope required of the API key (`*`: a full-access key); `false` for no key at all. */
  readonly scope: string | false
  readonly handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown
}

const ALL: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/** Registers the methods of one path, each behind its auth check, and answers 405 (with `Allow`) to the others. */
export function defineResource(
  app: FastifyInstance,
  store: Store,
  url: string,
  methods: Partial<Record<'GET' | 'POST' | 'DELETE', MethodSpec>>,
): void {
  const allowed = Object.keys(methods) as Array<keyof typeof methods>
  for (const method of allowed) {
    const spec = methods[method]!
    app.route({
      method,
      url,
      onRequest: async (request, reply) => {
        if (spec.scope !== false && !authorize(store, request, reply, spec.scope)) return reply
      },
      handler: spec.handler,
    })
  }
  const others = ALL.filter((m) => !allowed.includes(m as never))
  const allow = allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed
  app.route({
    method: others,
    url,
    handler: async (request, reply) =>
      reply
        .status(405)
        .header('Allow', allow.join(', '))
        .send(errorBody(405, 'method_not_allowed', `${request.method} is not allowed on ${url}; use ${allowed.join(' or ')}`)),
  })
}
