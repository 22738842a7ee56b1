// The benchmark's HTTP client: Node's own, on kept-alive sockets. It costs far less CPU per request
// than fetch, which leaves the two cores to the server being measured.
import { request } from 'node:http'

/** Sends one request; resolves with the status and the body once the whole answer is read. */
export function send(agent, url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method,
        agent,
        headers: body ? { ...headers, 'content-length': body.length } : headers,
      },
      (response) => {
        const chunks = []
        response.on('data', (chunk) => chunks.push(chunk))
        response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks) }))
      },
    )
    sent.on('error', reject)
    sent.end(body)
  })
}
