export * from './client.js'
export * from './contract.js'
