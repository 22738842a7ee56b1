export * from './define.js'
export * from './envelopes.js'
export * from './errors.js'
export * from './plugin.js'
