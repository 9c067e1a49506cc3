import 'aws-sdk-client-mock-vitest/extend'
import {afterEach} from 'vitest'

// The SDK warns once per process about its Node 22 plan; it is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

afterEach(() => {
  // A failed command sets process.exitCode; never let it leak into the next test.
  process.exitCode = undefined
})
