export * from './access.js'
export * from './ids.js'
