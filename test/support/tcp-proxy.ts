import {connect, createServer, type Socket} from 'node:net'
import type {AddressInfo} from 'node:net'
import {onTestFinished} from 'vitest'

/** A TCP proxy on 127.0.0.1:0 to `port`, whose connections a test can cut (a network blip); closed after the test. */
export interface TcpProxy {
  readonly url: string
  /** Connections open through it now. */
  open(): number
  /** Cuts every connection open now (both sides). */
  cutAll(): void
}

export async function startTcpProxy(port: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>()
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1')
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    client.pipe(upstream).pipe(client)
    const drop = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const cutAll = () => {
    for (const [client, upstream] of [...pairs]) {
      client.destroy()
      upstream.destroy()
    }
  }
  onTestFinished(() => {
    cutAll()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, open: () => pairs.size, cutAll}
}
