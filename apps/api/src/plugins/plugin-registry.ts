import { type Plugin, secretKeys } from '@rapport/plugin-sdk'
import type { Logger } from 'pino'

/** The plugins this server can run: the built-in ones, plus the packages named in RAPPORT_PLUGINS. */
export class PluginRegistry {
  private readonly plugins = new Map<string, Plugin>()

  constructor(builtIn: Plugin[]) {
    for (const plugin of builtIn) this.add(plugin)
  }

  add(plugin: Plugin): void {
    if (this.plugins.has(plugin.id)) throw new Error(`two plugins have the id ${plugin.id}`)
    this.plugins.set(plugin.id, plugin)
  }

  get(id: string): Plugin | undefined {
    return this.plugins.get(id)
  }

  all(): Plugin[] {
    return [...this.plugins.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  secretKeys(plugin: Plugin): string[] {
    return secretKeys(plugin.config)
  }

  /** Loads each package's default export (or its `plugin` export); a package that fails stops the start. */
  async load(packages: string[], logger: Logger): Promise<void> {
    for (const name of packages) {
      const module = (await import(name)) as { default?: Plugin; plugin?: Plugin }
      const plugin = module.default ?? module.plugin
      if (!plugin?.id || !plugin.config)
        throw new Error(`${name} does not export a plugin made with definePlugin`)
      this.add(plugin)
      logger.info({ plugin: plugin.id, version: plugin.version, package: name }, 'plugin loaded')
    }
  }
}

export const PLUGINS = Symbol('PluginRegistry')
