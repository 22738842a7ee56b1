import { expect, test } from 'vitest'
import { ConfigError, loadConfig } from '../src/config/config.js'

test('defaults: port 3000, embedded database under .data, info logs', () => {
  const config = loadConfig({})
  expect(config).toMatchObject({
    port: 3000,
    databaseUrl: undefined,
    dataDir: '.data',
    logLevel: 'info',
    secureCookies: false,
  })
})

test('a bad value stops the start with a message naming the variable', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ RAPPORT_ADMIN_EMAIL: 'not-an-email' }, 'RAPPORT_ADMIN_EMAIL'],
    [{ RAPPORT_ADMIN_PASSWORD: 'short' }, 'RAPPORT_ADMIN_PASSWORD'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ RAPPORT_PUBLIC_URL: 'cx.example.com' }, 'RAPPORT_PUBLIC_URL'],
    [{ RAPPORT_API_NICE: '-21' }, 'RAPPORT_API_NICE'],
    [{ RAPPORT_PROCESSOR_NICE: '-1' }, 'RAPPORT_PROCESSOR_NICE'],
    [{ RAPPORT_INTAKE_NICE: '20' }, 'RAPPORT_INTAKE_NICE'],
    [{ RAPPORT_TRACKING_PORT: 'on' }, 'RAPPORT_TRACKING_PORT'],
    [{ RAPPORT_TRACKING_PORT: '3000' }, 'RAPPORT_TRACKING_PORT must differ from PORT'],
  ]
  for (const [env, name] of cases) {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(name)
  }
})

test('an https public URL turns on secure cookies; empty values mean unset', () => {
  expect(loadConfig({ RAPPORT_PUBLIC_URL: 'https://cx.example.com' }).secureCookies).toBe(true)
  expect(loadConfig({ DATABASE_URL: '', PORT: '' })).toMatchObject({ databaseUrl: undefined, port: 3000 })
})

test('thread priorities: the processor yields by default, the main thread keeps what it started with', () => {
  expect(loadConfig({})).toMatchObject({ processorNice: 10, intakeNice: 4, apiNice: undefined })
  expect(loadConfig({ RAPPORT_API_NICE: '-10' }).apiNice).toBe(-10)
})

test('the tracking port: the one after PORT unless set, any free one for PORT 0, off on request', () => {
  expect(loadConfig({}).trackingPort).toBe(3001)
  expect(loadConfig({ PORT: '8080' }).trackingPort).toBe(8081)
  expect(loadConfig({ PORT: '0' }).trackingPort).toBe(0)
  expect(loadConfig({ PORT: '65535' }).trackingPort).toBeUndefined()
  expect(loadConfig({ RAPPORT_TRACKING_PORT: '9000' }).trackingPort).toBe(9000)
  expect(loadConfig({ RAPPORT_TRACKING_PORT: 'off' }).trackingPort).toBeUndefined()
  expect(loadConfig({ PORT: '0', RAPPORT_TRACKING_PORT: '0' }).trackingPort).toBe(0)
})
