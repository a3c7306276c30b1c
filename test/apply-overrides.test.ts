import {describe, expect, it} from 'vitest'
import {applyOverrides} from '../src/emulator/event-operations.js'
import type {CatalogEvent} from '../src/providers/provider.js'

// Unit test of the --set conversion. The JunkMail catalog has only string fields; a provider with
// numbers, booleans and lists (Sendook's) converts through the same function.
const entry: CatalogEvent = {
  type: 'thing.happened',
  description: 'A test event with a field of each type',
  fields: {name: 'string', count: 'number', ok: 'boolean', tags: 'string[]'},
  sample: () => ({name: 'sample', count: 1, ok: false, tags: ['a']}),
}

const apply = (set: Record<string, string>) => {
  const data: Record<string, unknown> = entry.sample(0)
  applyOverrides(entry, data, set)
  return data
}

/** The error applyOverrides throws, as {status, code, field, message}. */
const failure = (set: Record<string, string>) => {
  try {
    apply(set)
  } catch (error) {
    const e = error as {status: number; code: string; field: string; message: string}
    return {status: e.status, code: e.code, field: e.field, message: e.message}
  }
  throw new Error(`no error for ${JSON.stringify(set)}`)
}

describe('applyOverrides (--set path=value)', () => {
  it('converts each value to its field\'s documented type; "data." is optional', () => {
    expect(apply({name: '42', count: '42', ok: 'true', tags: 'x, y,,z '})).toEqual({name: '42', count: 42, ok: true, tags: ['x', 'y', 'z']})
    expect(apply({'data.count': '-1.5e3', 'data.ok': 'false', 'data.tags': ''})).toEqual({name: 'sample', count: -1500, ok: false, tags: []})
    expect(apply({count: ' 7 ', name: ''})).toEqual({name: '', count: 7, ok: false, tags: ['a']})
  })

  it('refuses a value that is not of the field\'s type, naming set.<path>', () => {
    for (const count of ['', ' ', 'abc', '1,5', 'Infinity', 'NaN', '0x']) {
      expect(failure({count}), count).toMatchObject({status: 400, code: 'invalid_value', field: 'set.count', message: 'set.count must be a number'})
    }
    expect(failure({'data.count': 'x'})).toMatchObject({field: 'set.data.count', message: 'set.data.count must be a number'})
    for (const ok of ['yes', 'TRUE', '1', '']) {
      expect(failure({ok}), ok).toMatchObject({status: 400, code: 'invalid_value', field: 'set.ok', message: 'set.ok must be true or false'})
    }
  })

  it('refuses names of built-in object properties like any unknown field (and never touches the prototype)', () => {
    for (const path of ['constructor', 'toString', '__proto__', 'data.__proto__', 'hasOwnProperty', 'valueOf', 'data.constructor']) {
      expect(failure({[path]: 'x'}), path).toMatchObject({status: 400, code: 'unknown_field', field: `set.${path}`})
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })

  it('refuses an unknown field, listing the known ones', () => {
    expect(failure({colour: 'red'})).toEqual({
      status: 400,
      code: 'unknown_field',
      field: 'set.colour',
      message: 'thing.happened has no field "colour"; its fields are: name, count, ok, tags',
    })
  })
})
