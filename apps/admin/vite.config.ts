import react from '@vitejs/plugin-react'
import { defaultClientConditions, defineConfig } from 'vite'

// The API serves this build in production; in development Vite serves the UI and forwards the API.
const apiServer = 'http://localhost:3000'

export default defineConfig({
  plugins: [react()],
  resolve: {
    // Workspace packages export their TypeScript under the `source` condition: no prior build needed.
    conditions: ['source', ...defaultClientConditions],
  },
  server: {
    proxy: { '/api': apiServer, '/healthz': apiServer, '/readyz': apiServer },
  },
  build: { outDir: 'dist', emptyOutDir: true },
})
