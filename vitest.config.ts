import {rmSync} from 'node:fs'
import {defineConfig} from 'vitest/config'

// The tests run the TypeScript sources; oclif would take the command list from the manifest the
// last `npm run build` wrote (missing commands added since). The next build writes it again.
rmSync('oclif.manifest.json', {force: true})

export default defineConfig({
  test: {
    // oclif writes through console.log; interception would leave runCommand's stdout empty.
    disableConsoleIntercept: true,
    environment: 'node',
    // The smoke suite runs the built CLI; scripts/test.js runs it after the build.
    exclude: ['test/smoke/**', 'node_modules/**'],
    hookTimeout: 60_000,
    include: ['test/**/*.test.{ts,tsx}'],
    // Command tests share process.exitCode and prototype-level SDK mocks: one file at a time per worker is safest.
    pool: 'forks',
    restoreMocks: true,
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
  },
})
