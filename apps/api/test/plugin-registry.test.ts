import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { plugin as template } from '@rapport/plugin-template'
import pino from 'pino'
import { expect, test } from 'vitest'
import { PluginRegistry } from '../src/plugins/plugin-registry.js'

test('a plugin built for another major version of the SDK is refused, saying why', () => {
  const registry = new PluginRegistry([])
  expect(() => registry.add({ ...template, sdk: '^2' })).toThrow(
    'plugin source-template 1.0.0 cannot run on this server (plugin SDK 1.0.0): sdk "^2" does not accept this SDK (1.0.0)',
  )
  expect(registry.get('source-template')).toBeUndefined()
  registry.add(template)
  expect(registry.get('source-template')).toBe(template)
})

test('a package from RAPPORT_PLUGINS whose plugin wants SDK 2 stops the start, logged with the package', async () => {
  // As an SDK 2 copy would make it: its own definePlugin found nothing wrong.
  const folder = mkdtempSync(join(tmpdir(), 'sdk2-plugin-'))
  const file = join(folder, 'index.mjs')
  writeFileSync(
    file,
    `import { z } from ${JSON.stringify(import.meta.resolve('zod'))}
export default { id: 'crm-next', name: 'Next', version: '2.0.0', sdk: '^2', categories: ['crm'], config: z.object({}) }
`,
  )
  const lines: string[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) })
  await expect(new PluginRegistry([]).load([file], logger)).rejects.toThrow(
    `${file}: plugin crm-next 2.0.0 cannot run on this server (plugin SDK 1.0.0): sdk "^2" does not accept this SDK (1.0.0)`,
  )
  const logged = lines.map((line) => JSON.parse(line))
  expect(logged).toEqual([
    expect.objectContaining({ level: 50, msg: 'plugin refused', package: file, plugin: 'crm-next' }),
  ])
})
