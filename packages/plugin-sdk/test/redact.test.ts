import { describe, expect, test } from 'vitest'
import { createRedactor, type PluginLogger, redactDeep, redactingLogger } from '../src/index.js'

describe('createRedactor', () => {
  test('replaces a secret as written and as encoded in a URL', () => {
    const redact = createRedactor(['a b+c/d', undefined, ''])
    expect(redact('raw a b+c/d, path a%20b%2Bc%2Fd, form a+b%2Bc%2Fd')).toBe(
      'raw [redacted], path [redacted], form [redacted]',
    )
  })

  test('replaces a longer secret whole when it contains a shorter one', () => {
    const redact = createRedactor(['key', 'key-and-more'])
    expect(redact('key-and-more / key')).toBe('[redacted] / [redacted]')
  })

  test('without secrets leaves text alone', () => {
    expect(createRedactor([])('nothing to hide')).toBe('nothing to hide')
  })
})

describe('redactDeep', () => {
  const redact = createRedactor(['hunter2'])

  test('redacts strings at any depth, and errors, keeping other values', () => {
    const when = new Date('2026-01-01T00:00:00Z')
    const cyclic: Record<string, unknown> = { password: 'hunter2' }
    cyclic.self = cyclic
    const result = redactDeep(
      {
        list: ['hunter2', 3, null],
        nested: { deep: 'x hunter2 y' },
        when,
        error: new Error('bad hunter2'),
        cyclic,
      },
      redact,
    ) as Record<string, any>
    expect(result.list).toEqual(['[redacted]', 3, null])
    expect(result.nested).toEqual({ deep: 'x [redacted] y' })
    expect(result.when).toBe(when)
    expect(result.error).toMatchObject({ name: 'Error', message: 'bad [redacted]' })
    expect(result.error.stack).not.toContain('hunter2')
    expect(result.cyclic).toEqual({ password: '[redacted]', self: '[circular]' })
  })

  test('redacts inside objects that are not plain (URL, Error, Map, Set, bytes, class instances) and keys', () => {
    class Settings {
      constructor(readonly key = 'hunter2') {}
    }
    class Token {
      toJSON = () => ({ value: 'hunter2' })
    }
    const cause = new TypeError('inner hunter2')
    const result = redactDeep(
      {
        url: new URL('https://a.example/?api_key=hunter2'),
        error: new Error('outer hunter2', { cause }),
        map: new Map([['auth', 'hunter2']]),
        set: new Set(['hunter2']),
        bytes: Buffer.from('key=hunter2'),
        settings: new Settings(),
        token: new Token(),
        byKey: { hunter2: 'seen' },
      },
      redact,
    ) as Record<string, any>
    expect(JSON.stringify(result)).not.toContain('hunter2')
    expect(result.url).toBe('https://a.example/?api_key=[redacted]')
    expect(result.error).toMatchObject({
      name: 'Error',
      message: 'outer [redacted]',
      cause: { name: 'TypeError', message: 'inner [redacted]' },
    })
    expect(result.map).toEqual([['auth', '[redacted]']])
    expect(result.set).toEqual(['[redacted]'])
    expect(result.bytes).toBe('key=[redacted]')
    expect(result.settings).toEqual({ key: '[redacted]' })
    expect(result.token).toEqual({ value: '[redacted]' })
    expect(result.byKey).toEqual({ '[redacted]': 'seen' })
  })

  test('a large byte array shows its first 64 KB, redacted, and says how much more there was', () => {
    const bytes = Buffer.concat([Buffer.from('key=hunter2 '), Buffer.alloc(1024 * 1024, 'x')])
    const result = redactDeep({ bytes }, redact) as { bytes: string }
    expect(result.bytes.startsWith('key=[redacted] x')).toBe(true)
    expect(result.bytes.length).toBeLessThan(65 * 1024)
    expect(result.bytes).toMatch(new RegExp(`… \\[${bytes.length - 64 * 1024} more bytes not shown\\]$`))
  })
})

describe('redactingLogger', () => {
  test('no secret reaches the wrapped logger, in the message or the fields', () => {
    const written: unknown[] = []
    const sink: PluginLogger = {
      debug: (...args) => written.push(args),
      info: (...args) => written.push(args),
      warn: (...args) => written.push(args),
      error: (...args) => written.push(args),
    }
    const logger = redactingLogger(sink, ['s3cret'])
    logger.info('using s3cret', { headers: { authorization: 'Bearer s3cret' } })
    logger.error('failed', { error: new Error('s3cret refused') })
    logger.debug('no fields')
    expect(JSON.stringify(written)).not.toContain('s3cret')
    expect(written[0]).toEqual(['using [redacted]', { headers: { authorization: 'Bearer [redacted]' } }])
    expect(written[2]).toEqual(['no fields', undefined])
    logger.info('x', { url: new URL('https://a.example/?api_key=s3cret') })
    expect(JSON.stringify(written[3])).not.toContain('s3cret')
  })
})
