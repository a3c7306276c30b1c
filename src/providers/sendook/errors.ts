import type {FastifyRequest} from 'fastify'
import {OperationError} from '../../emulator/emulator-context.js'

/** An answer in Sendook's shape: `{"error": message}` (an {@link OperationError} elsewhere, e.g. from a trigger). */
export class SendookError extends OperationError {
  constructor(status: number, message: string) {
    super(status, status === 404 ? 'not_found' : 'invalid_request', message)
    this.name = 'SendookError'
  }
}

/** One item of a 400 as Sendook's validator (express-validator) shapes it. */
export interface FieldError {
  type: 'field'
  value?: unknown
  msg: string
  path: string
  location: 'body' | 'query' | 'params'
}

/** A 400 `{"errors": [...]}`, each naming its field. */
export class ValidationErrors extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.path}: ${e.msg}`).join('; '))
    this.name = 'ValidationErrors'
  }
}

/** The JSON body as an object (an absent body is `{}`); anything else is a 400 naming the body. */
export function objectBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body ?? {}
  if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationErrors([fieldError('body', body, 'must be a JSON object')])
  return body as Record<string, unknown>
}

export function fieldError(path: string, value: unknown, msg: string, location: FieldError['location'] = 'body'): FieldError {
  return {type: 'field', ...(value === undefined ? {} : {value}), msg, path, location}
}

