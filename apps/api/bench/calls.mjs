// The benchmark's load: what each person's devices send. Shared by ingest.mjs (the warm-up) and
// load.mjs (the measured load, built on the load thread so that it never sits in the server's heap).
import { randomBytes } from 'node:crypto'

/** Ten calls a person: web (anonymous, then e-mail), app (userId + same e-mail), tracks, a page, a company. */
export function callsFor(i, start) {
  const at = (n) => new Date(start + i * 1000 + n).toISOString()
  const anon = `anon-${i}`
  const user = `user-${i}`
  const mail = `person${i}@example.com`
  const web = [
    {
      type: 'page',
      anonymousId: anon,
      name: 'Home',
      properties: { url: 'https://example.com/' },
      timestamp: at(0),
    },
    {
      type: 'identify',
      anonymousId: anon,
      traits: { email: mail, name: `Person ${i}`, plan: i % 3 ? 'free' : 'pro' },
      timestamp: at(1),
    },
    {
      type: 'track',
      anonymousId: anon,
      event: 'Viewed Pricing',
      properties: { plan: 'pro' },
      timestamp: at(2),
    },
    { type: 'track', anonymousId: anon, event: 'Signed Up', properties: {}, timestamp: at(3) },
  ]
  const app = [
    {
      type: 'identify',
      userId: user,
      traits: { email: mail, city: ['Paris', 'Berlin', 'Lisbon'][i % 3] },
      timestamp: at(4),
    },
    { type: 'track', userId: user, event: 'Opened App', properties: { version: '2.1' }, timestamp: at(5) },
    {
      type: 'track',
      userId: user,
      event: 'Added to Cart',
      properties: { sku: `sku-${i % 50}`, price: 19.9 },
      timestamp: at(6),
    },
    { type: 'track', userId: user, event: 'Order Completed', properties: { total: 42.5 }, timestamp: at(7) },
    {
      type: 'group',
      userId: user,
      groupId: `company-${i % 200}`,
      traits: { name: `Company ${i % 200}` },
      timestamp: at(8),
    },
    {
      type: 'track',
      userId: user,
      event: 'Support Chat Started',
      properties: { topic: 'billing' },
      timestamp: at(9),
    },
  ]
  const id = () => randomBytes(12).toString('hex')
  return {
    web: web.map((c) => ({ ...c, messageId: id() })),
    app: app.map((c) => ({ ...c, messageId: id() })),
  }
}

export function chunks(list, size) {
  const out = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

/**
 * Every person's calls in batches per source, interleaved as two systems sending at once would;
 * people are numbered from `first`.
 */
export function batchesFor(people, batchSize, keys, start, first = 0) {
  const calls = Array.from({ length: people }, (_, i) => callsFor(first + i, start))
  const batches = [
    ...chunks(
      calls.flatMap((c) => c.web),
      batchSize,
    ).map((b) => [keys.web, b]),
    ...chunks(
      calls.flatMap((c) => c.app),
      batchSize,
    ).map((b) => [keys.app, b]),
  ]
  batches.sort((a, b) => (a[1][0].timestamp < b[1][0].timestamp ? -1 : 1))
  return batches
}

/** The same calls as rows for the COPY baseline: message id and JSON, tab-separated. */
export function copyRowsOf(batches) {
  return batches
    .flatMap(([, b]) => b)
    .map((c) => `${c.messageId}\t${JSON.stringify(c).replace(/\\/g, '\\\\')}\n`)
}
