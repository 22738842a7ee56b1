export * from './client.js'
export * from './contract.js'
export * from './customers-contract.js'
export * from './sources-contract.js'
