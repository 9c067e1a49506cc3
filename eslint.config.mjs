import {includeIgnoreFile} from '@eslint/compat'
import oclif from 'eslint-config-oclif'
import prettier from 'eslint-config-prettier'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const gitignorePath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '.gitignore')

export default [
  includeIgnoreFile(gitignorePath),
  ...oclif,
  prettier,
  {
    rules: {
      // Pagination and ordered apply steps are sequential by nature; each such loop says why.
      'no-await-in-loop': 'off',
      // Hash maths and byte counting need plain numeric loops.
      'no-bitwise': 'off',
      'unicorn/prefer-string-replace-all': 'off',
      'n/no-process-exit': 'off',
      'unicorn/no-process-exit': 'off',
    },
  },
  {files: ['test/**/*', 'bench/**/*'], rules: {'mocha/max-top-level-suites': 'off', 'mocha/no-mocha-arrows': 'off', 'mocha/no-setup-in-describe': 'off', 'max-nested-callbacks': 'off'}},
]
