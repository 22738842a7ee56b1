import { sharedConfig } from '../../tooling/vitest.shared.js'
export default sharedConfig
