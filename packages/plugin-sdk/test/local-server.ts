import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest {
  method: string
  url: URL
  headers: IncomingMessage['headers']
  body: Buffer
}

type Handler = (request: ReceivedRequest, response: ServerResponse) => void

/**
 * A real HTTP server on 127.0.0.1 and a free port, answering with `handler`: the client under test
 * goes through real sockets, never a fake fetch.
 */
export async function startServer(handler: Handler) {
  const received: ReceivedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const request = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        body: Buffer.concat(chunks),
      }
      received.push(request)
      handler(request, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** Answers each request with the next of `answers` (the last one repeats). */
export function inTurn(
  ...answers: { status: number; headers?: Record<string, string>; body?: unknown }[]
): Handler {
  let next = 0
  return (_request, response) => {
    const answer = answers[Math.min(next++, answers.length - 1)]!
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {})
    const type = typeof answer.body === 'string' ? 'text/plain' : 'application/json'
    response.writeHead(answer.status, { 'content-type': type, ...answer.headers }).end(text)
  }
}

/** A sleep that returns at once and remembers how long it was asked to wait. */
export function recordingSleep() {
  const waits: number[] = []
  const sleep = async (ms: number) => {
    waits.push(ms)
  }
  return { waits, sleep }
}
