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
      'n/no-process-exit': 'off',
      // Pagination and ordered apply steps are sequential by nature; each such loop says why.
      'no-await-in-loop': 'off',
      // Hash maths and byte counting need plain numeric loops.
      'no-bitwise': 'off',
      'unicorn/no-process-exit': 'off',
      // Both "fixes" break code here: Math.min/max on BigInt does not compile, and removing a
      // trailing undefined changes calls whose optional parameters are typed `T | undefined`.
      'unicorn/no-useless-undefined': 'off',
      'unicorn/prefer-math-min-max': 'off',
      'unicorn/prefer-string-replace-all': 'off',
    },
  },
  {
    // Plain CommonJS preloads that run inside emulator processes (node --require).
    files: ['resources/**/*.cjs'],
    languageOptions: {globals: {process: 'readonly', require: 'readonly'}, sourceType: 'commonjs'},
    rules: {'@typescript-eslint/no-require-imports': 'off', 'func-name-matching': 'off', 'func-names': 'off'},
  },
  {
    files: ['test/**/*', 'bench/**/*'],
    rules: {
      // Fixtures mirror external formats (Airflow's exc_type, AWS's field names).
      camelcase: 'off',
      // fast-check's documented idiom is fc.assert(fc.property(...)).
      'import/no-named-as-default-member': 'off',
      'max-nested-callbacks': 'off',
      'mocha/max-top-level-suites': 'off',
      'mocha/no-mocha-arrows': 'off',
      'mocha/no-setup-in-describe': 'off',
      'mocha/no-top-level-hooks': 'off',
    },
  },
]
