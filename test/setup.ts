import 'aws-sdk-client-mock-vitest/extend'
import {afterEach} from 'vitest'

// The SDK warns once per process about its Node 22 plan; it is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

// ink reads CI / CONTINUOUS_INTEGRATION once, when it is first imported, and in a CI then draws
// nothing until it unmounts. The UI tests check what a user's terminal shows, so they must not
// depend on whether the machine running them calls itself a CI. This file runs before any test
// file imports ink.
delete process.env.CI
delete process.env.CONTINUOUS_INTEGRATION

afterEach(() => {
  // A failed command sets process.exitCode; never let it leak into the next test.
  process.exitCode = undefined
})
