import {describe, expect, it} from 'vitest'
import {type SseMessage, sseParser} from '../src/ui/sources/sse-parser.js'

describe('sseParser', () => {
  it('reads messages split anywhere, with LF, CRLF or CR line ends; comments apart; multi-line data joined', () => {
    const messages: SseMessage[] = []
    const comments: string[] = []
    const parse = sseParser({message: (m) => messages.push(m), comment: (c) => comments.push(c)})
    const text = 'retry: 1000\r\nid: r:0\r\nevent: hello\r\ndata: {"a":1}\r\n\r\n: heartbeat\n\nid: r:1\ndata: one\ndata:two\n\nid: r:2\rdata: x\r\r: end\n'
    for (let i = 0; i < text.length; i += 3) parse(text.slice(i, i + 3))
    expect(messages).toEqual([
      {event: 'hello', data: '{"a":1}', id: 'r:0'},
      {event: 'message', data: 'one\ntwo', id: 'r:1'},
      {event: 'message', data: 'x', id: 'r:2'},
    ])
    expect(comments).toEqual(['heartbeat', 'end'])
  })

  it('a message without data is not dispatched; a field without a colon is a field with no value', () => {
    const messages: SseMessage[] = []
    const parse = sseParser({message: (m) => messages.push(m)})
    parse('event: nothing\n\ndata\n\n')
    expect(messages).toEqual([{event: 'message', data: '', id: null}])
  })
})
