export { type RunningServer, type StartOptions, startServer } from './server.js'
