/**
 * The signature catalogue of `mwaa triage`, kept as data.
 *
 * Each rule: id, category (one of the 18), the literal keywords one of which every match contains
 * (used to pre-filter text quickly), a pattern, the log group kinds where the line is expected, an
 * optional stream-name condition, severity, confidence, cause, fix steps and a doc link.
 * Sources for the signatures: docs/mwaa-triage.md and ../shared/reference/mwaa-cloudtrail.md
 * (MWAA's own `_PATTERNS`, container messages, MWAA troubleshooting pages, Airflow log texts).
 *
 * Patterns are written in the common subset of JavaScript regular expressions and POSIX ERE
 * (no `\d`, no `(?:`, no look-arounds) so the benchmark can hand the same patterns to `grep -E`.
 * A record is attributed to the FIRST rule that matches it, so specific rules come first.
 */
import type {Category, GroupKind, Severity} from './types.js'

export interface Rule {
  category: Category
  /** `{1}`, `{2}` are replaced by the pattern's capture groups. */
  cause: string
  /** Confidence that this line means what `cause` says (0–1), before linking. */
  confidence: number
  doc: string
  fix: string[]
  /** Log group kinds where the line is expected; records from other known kinds are ignored. */
  groups?: GroupKind[]
  id: string
  keywords: string[]
  /**
   * Context the rule needs: the record or the text just around it (NEAR_CHARS either side) must
   * match, e.g. a `Process timed out` line is a DAG import timeout only next to DagBag lines.
   */
  near?: RegExp
  /** Like `near`, but only the text before the record counts (what happened first). */
  nearBefore?: RegExp
  pattern: RegExp
  severity: Severity
  /** The stream name must match (requirements_install_* / startup_script_execution_* streams). */
  stream?: RegExp
  title: string
  /**
   * The record must NOT match: a wording that looks like this rule's but says something else (a
   * SIGKILL that Airflow's own supervisor sent is not an out-of-memory kill).
   */
  unless?: RegExp
}

/** Context lines that are not findings themselves but explain one (SIGTERM neighbours, failed tasks). */
export type SignalId = 'dag-run-failed' | 'pid-mismatch' | 'state-externally-set' | 'task-failed' | 'warm-shutdown'

export interface Signal {
  id: SignalId
  keywords: string[]
  pattern: RegExp
}

export interface NoiseRule {
  id: string
  keywords: string[]
  pattern: RegExp
}

const MWAA_DOC = 'https://docs.aws.amazon.com/mwaa/latest/userguide'
const DOC = {
  airflow202: `${MWAA_DOC}/t-apache-airflow-202.html`,
  autoscaling: `${MWAA_DOC}/mwaa-autoscaling.html`,
  createUpdate: `${MWAA_DOC}/t-create-update-environment.html`,
  dependencies: `${MWAA_DOC}/working-dags-dependencies.html`,
  executionRole: `${MWAA_DOC}/mwaa-create-role.html`,
  logs: `${MWAA_DOC}/t-cloudwatch-cloudtrail-logs.html`,
  monitoring: `${MWAA_DOC}/monitoring-airflow.html`,
  networking: `${MWAA_DOC}/networking-about.html`,
  plugins: `${MWAA_DOC}/configuring-dag-import-plugins.html`,
  secrets: `${MWAA_DOC}/connections-secrets-manager.html`,
  startup: `${MWAA_DOC}/using-startup-script.html`,
}

const REQUIREMENTS_STREAM = /requirements_install/
const STARTUP_STREAM = /startup_script_execution|startup_script/

export const RULES: readonly Rule[] = [
  // --- requirements-install-failure (before module-not-found: pip output names modules too) ---
  {
    category: 'requirements-install-failure',
    cause:
      'pip could not resolve requirements.txt: two requirements (or a requirement and the MWAA constraints file) pin incompatible versions, so nothing from requirements.txt was installed.',
    confidence: 0.95,
    doc: DOC.dependencies,
    fix: [
      'Read the pip lines around this one: they name the two conflicting pins.',
      'Pin versions allowed by the constraints file of your Airflow version (add `--constraint "https://raw.githubusercontent.com/apache/airflow/constraints-<airflow>/constraints-<python>.txt"` as the first line of requirements.txt).',
      'Test the file locally with aws-mwaa-docker-images / aws-mwaa-local-runner (`./mwaa-local-env test-requirements`) before updating the environment.',
    ],
    groups: ['scheduler', 'worker', 'webserver'],
    id: 'pip-resolution-impossible',
    // pip's resolver report may be pasted without its ERROR lines: `The conflict is caused by:` and
    // the `depends on` / `The user requested` lines under it.
    keywords: ['ResolutionImpossible', 'conflicting dependencies', 'The conflict is caused by'],
    pattern:
      /ResolutionImpossible|Cannot install .+ because these package versions have conflicting dependencies|conflicting dependencies|The conflict is caused by:/,
    severity: 'critical',
    title: 'requirements.txt failed to install: conflicting package versions',
  },
  {
    category: 'requirements-install-failure',
    cause:
      'pip found no distribution of {2} for this Python and platform (typo, version that does not exist, private index not reachable, or a wheel for another architecture).',
    confidence: 0.95,
    doc: DOC.dependencies,
    fix: [
      "Check the package name and version on PyPI for the environment's Python version.",
      'In a private network, package the wheels into plugins.zip and install with `--no-index --find-links /usr/local/airflow/plugins`.',
      'Test with `./mwaa-local-env test-requirements` before updating the environment.',
    ],
    groups: ['scheduler', 'worker', 'webserver'],
    id: 'pip-no-matching-distribution',
    keywords: ['Could not find a version that satisfies', 'No matching distribution found'],
    pattern: /(Could not find a version that satisfies the requirement|No matching distribution found for) ([^ ]+)/,
    severity: 'critical',
    title: 'requirements.txt failed to install: package not found',
  },
  {
    category: 'requirements-install-failure',
    cause:
      'A package from requirements.txt had to be compiled and the build failed (missing system library or compiler on the MWAA image).',
    confidence: 0.9,
    doc: DOC.dependencies,
    fix: [
      "Use a version of the package that ships a manylinux wheel for the environment's Python.",
      'Or build the wheel on Amazon Linux with the same Python and ship it in plugins.zip.',
    ],
    groups: ['scheduler', 'worker', 'webserver'],
    id: 'pip-build-failed',
    keywords: [
      'Failed building wheel',
      'Failed to build installable wheels',
      'subprocess-exited-with-error',
      'Could not build wheels',
    ],
    pattern:
      /Failed building wheel for|Failed to build installable wheels|subprocess-exited-with-error|Could not build wheels for/,
    severity: 'critical',
    title: 'requirements.txt failed to install: a package did not build',
  },
  {
    category: 'requirements-install-failure',
    cause:
      "MWAA's requirements installer reported that pip failed; MWAA also refuses to override the versions of critical packages such as Airflow and Celery.",
    confidence: 0.9,
    doc: DOC.dependencies,
    fix: [
      'Find the pip `ERROR:` lines just before this one in the same stream: they give the failing package.',
      'Do not pin apache-airflow, celery or other packages the MWAA image provides.',
    ],
    id: 'mwaa-pip-nonzero-exit',
    keywords: ['pip installation exited with a non-zero error code'],
    pattern: /pip installation exited with a non-zero error code/,
    severity: 'critical',
    title: 'requirements.txt failed to install (pip exited non-zero)',
  },
  {
    category: 'requirements-install-failure',
    cause:
      'Installing requirements.txt took longer than MWAA allows (9 minutes per install in the MWAA image) and was stopped.',
    confidence: 0.9,
    doc: DOC.createUpdate,
    fix: [
      'Pin every package version so pip does not backtrack through many candidates.',
      'Pre-build wheels into plugins.zip and install with `--no-index --find-links`.',
    ],
    id: 'requirements-install-timeout',
    keywords: ['Process timed out after running for more than'],
    pattern: /Process timed out after running for more than [0-9]+ milliseconds/,
    severity: 'critical',
    stream: REQUIREMENTS_STREAM,
    title: 'requirements.txt install timed out',
  },
  {
    category: 'requirements-install-failure',
    cause:
      'A pip install that the task ran itself failed (a PythonVirtualenvOperator or ExternalPythonOperator environment, or a script): the packages it lists were not installed, so the task could not run.',
    confidence: 0.8,
    doc: DOC.dependencies,
    fix: [
      "Read pip's own `ERROR:` lines above this one: they name the package that could not be found, built or resolved.",
      'Pin versions that exist for the Python of the virtual environment, and test the same requirements locally (aws-mwaa-docker-images for MWAA).',
      'In a private network, pip needs an index it can reach (a CodeArtifact or mirror URL, or wheels shipped in plugins.zip).',
    ],
    id: 'task-pip-install-failed',
    // `subprocess.CalledProcessError: Command '['/tmp/venvX/bin/pip', 'install', …]' returned non-zero exit status 1.`
    keywords: ['CalledProcessError'],
    pattern: /CalledProcessError: Command '[[]'[^']*pip3?', 'install'.*' returned non-zero exit status [1-9]/,
    severity: 'error',
    title: 'A pip install run by the task failed',
  },
  {
    category: 'requirements-install-failure',
    cause:
      'requirements.txt has no `--constraint` line, so MWAA forced its local constraints; packages that conflict with them are not installed.',
    confidence: 0.5,
    doc: DOC.dependencies,
    fix: [
      'Add the Airflow constraints file for your Airflow and Python versions as the first line of requirements.txt.',
    ],
    id: 'requirements-no-constraints',
    keywords: ['Constraints should be specified for requirements.txt'],
    pattern: /Constraints should be specified for requirements\.txt/,
    severity: 'warning',
    title: 'requirements.txt has no constraints file',
  },
  // --- plugin-import-error ---
  {
    category: 'plugin-import-error',
    cause:
      'Airflow could not import plugin {1}; operators, hooks and views from plugins.zip that depend on it are unavailable.',
    confidence: 0.9,
    doc: DOC.plugins,
    fix: [
      "Read the traceback under this line: a missing module means the plugin's dependency is not in requirements.txt.",
      'Check the plugins.zip layout (modules at the top level of the zip) and the PluginsS3ObjectVersion the environment uses.',
      'For plugins that need native libraries, set `core.lazy_load_plugins=False` in the Airflow configuration options.',
    ],
    id: 'plugin-import-failed',
    keywords: ['Failed to import plugin'],
    pattern: /Failed to import plugin ([^ ]+)/,
    severity: 'error',
    title: 'A plugin failed to import',
  },
  {
    category: 'plugin-import-error',
    cause: 'The Airflow plugins manager logged an error while loading plugins.zip.',
    confidence: 0.75,
    doc: DOC.plugins,
    fix: ['Read the traceback under this line, fix the plugin module, and upload a new plugins.zip version.'],
    id: 'plugins-manager-error',
    keywords: ['plugins_manager.py'],
    pattern: /plugins_manager\.py:[0-9]+\}\}? (ERROR|CRITICAL)/,
    severity: 'error',
    title: 'Plugins manager error',
  },
  {
    category: 'plugin-import-error',
    cause:
      'The Airflow UI reports plugin {1} as broken: importing it raised an error, so what it provides is unavailable.',
    confidence: 0.85,
    doc: DOC.plugins,
    fix: [
      'Read the message after the path: a missing module means a dependency of the plugin is not installed (requirements.txt) or not importable from plugins.zip.',
      'Check the plugins.zip layout and the PluginsS3ObjectVersion the environment uses.',
    ],
    id: 'broken-plugin',
    keywords: ['Broken plugin'],
    pattern: /Broken plugin: \[?([^\]\n]+)/,
    severity: 'error',
    title: 'A plugin failed to import (UI banner)',
  },
  {
    category: 'plugin-import-error',
    cause: 'A traceback runs through the Airflow plugins manager: loading a plugin raised an error.',
    confidence: 0.7,
    doc: DOC.plugins,
    fix: [
      'Read the last lines of the traceback for the plugin module and the exception, fix it and upload a new plugins.zip version.',
    ],
    id: 'plugin-load-traceback',
    keywords: ['plugins_manager.py"'],
    pattern: /plugins_manager\.py", line [0-9]+/,
    severity: 'error',
    title: 'Plugin loading raised an error',
  },
  // --- startup-script-failure ---
  {
    category: 'startup-script-failure',
    cause: 'The startup script ran but the environment variables it exports could not be loaded, so MWAA ignored them.',
    confidence: 0.9,
    doc: DOC.startup,
    fix: [
      'Export variables with plain `export NAME=value` lines; do not exit early from the script.',
      'Test it with `./mwaa-local-env test-startup-script`.',
    ],
    id: 'startup-script-env-load',
    keywords: ['environment variables from startup script', 'environment variables file from startup script'],
    pattern:
      /Failed to load environment variables from startup script|Failed to locate environment variables file from startup script/,
    severity: 'error',
    title: 'Startup script: exported variables were not loaded',
  },
  {
    category: 'startup-script-failure',
    cause: 'After the startup script ran, MWAA found that it changed a component MWAA depends on ({1} version).',
    confidence: 0.95,
    doc: DOC.startup,
    fix: [
      'Do not install or upgrade Python, apache-airflow or watchtower from the startup script; use requirements.txt for Python packages.',
    ],
    id: 'startup-script-validation',
    keywords: ['Validation Error:'],
    pattern: /Validation Error: ([A-Za-z-]+) version [^ ]+ expected/,
    severity: 'critical',
    title: 'Startup script broke a required component',
  },
  {
    category: 'startup-script-failure',
    cause: 'The startup script ran longer than MWAA allows (5 minutes) and was stopped.',
    confidence: 0.9,
    doc: DOC.startup,
    fix: [
      'Move long installs out of the startup script (requirements.txt, or pre-built artifacts in plugins.zip).',
      'Time it with `./mwaa-local-env test-startup-script`.',
    ],
    id: 'startup-script-timeout',
    keywords: ['Process timed out after running for more than', 'Startup script timed out'],
    pattern:
      /Process timed out after running for more than [0-9]+ milliseconds|Startup script timed out after [0-9]+ seconds/,
    severity: 'critical',
    stream: STARTUP_STREAM,
    title: 'Startup script timed out',
  },
  {
    category: 'startup-script-failure',
    cause: 'A command in the startup script failed.',
    confidence: 0.7,
    doc: DOC.startup,
    fix: [
      'Run the script locally with `./mwaa-local-env test-startup-script` and fix the failing command.',
      'Start the script with `set -euo pipefail` so failures stop it at the right line.',
    ],
    id: 'startup-script-command-error',
    keywords: ['command not found', 'No such file or directory', 'Permission denied', '[ERROR]'],
    pattern: /command not found|No such file or directory|Permission denied|^\[ERROR\] - /,
    severity: 'error',
    stream: STARTUP_STREAM,
    title: 'Startup script: a command failed',
  },
  {
    category: 'startup-script-failure',
    cause:
      'A command in a container start-up script ({1}) failed, so the component started without what the script sets up (or did not start).',
    confidence: 0.75,
    doc: DOC.startup,
    fix: [
      'Run the script locally (`./mwaa-local-env test-startup-script` or the image entrypoint) and fix the line named in the message.',
      'Commands must exist on the image and files must be readable by the airflow user; start the script with `set -euo pipefail`.',
    ],
    id: 'startup-script-line-error',
    keywords: ['.sh: line '],
    pattern:
      /([A-Za-z0-9_.-]*(startup|entrypoint)[A-Za-z0-9_.-]*\.sh): line [0-9]+: [^\n]*(command not found|No such file or directory|Permission denied|not found)/,
    severity: 'error',
    title: 'Start-up script: a command failed',
  },
  // --- dagbag-import-timeout (before task-timeout: same exception class) ---
  {
    category: 'dagbag-import-timeout',
    cause:
      'Parsing the DAG file {1} took longer than core.dagbag_import_timeout, so its DAGs were not loaded (top-level code doing I/O, heavy imports, or an overloaded scheduler).',
    confidence: 0.95,
    doc: DOC.airflow202,
    fix: [
      "Move API calls, database queries and heavy imports out of the DAG file's top level into tasks.",
      'Raise core.dagbag_import_timeout (and core.dag_file_processor_timeout) in the Airflow configuration options if parsing is legitimately slow.',
      'Check the environment class: DAG count and scheduler CPU near their limits slow every parse.',
    ],
    groups: ['dag-processing', 'scheduler', 'webserver', 'worker'],
    id: 'dagbag-import-timeout',
    keywords: ['DagBag import timeout for'],
    pattern: /DagBag import timeout for ([^ ]+) after/,
    severity: 'error',
    title: 'DAG file import timed out',
  },
  {
    category: 'dagbag-import-timeout',
    cause: 'The DAG processor killed the parse of {1} because it ran past dag_file_processor_timeout.',
    confidence: 0.9,
    doc: DOC.airflow202,
    fix: [
      'Make the DAG file cheaper to import (no top-level I/O).',
      'Raise core.dag_file_processor_timeout if parsing is legitimately slow.',
    ],
    groups: ['dag-processing', 'scheduler'],
    id: 'dag-processor-timeout',
    // Airflow 1.10–2.x: `started at <time> has timed out, killing it.`; later 2.x and 3.x: `started <n> ago killing it.`
    keywords: ['killing it'],
    pattern: /Processor for ([^ ]+) with PID [0-9]+ started (at .+ has timed out, killing it|.+ ago killing it)/,
    severity: 'error',
    title: 'DAG file processing timed out',
  },
  {
    category: 'dagbag-import-timeout',
    cause:
      'The DAG processor killed the parse of {1} with SIGKILL (-9) because it ran past dag_file_processor_timeout (the timeout line comes just before): the kill is the timeout, not memory.',
    confidence: 0.9,
    doc: DOC.airflow202,
    fix: [
      'Make the DAG file cheaper to import (no top-level I/O, no heavy imports at the top level).',
      'Raise core.dag_file_processor_timeout (and core.dagbag_import_timeout) if parsing is legitimately slow.',
    ],
    groups: ['dag-processing', 'scheduler'],
    id: 'dag-processor-killed-after-timeout',
    keywords: ['return code -9', 'SIGKILL', 'signal 9'],
    // The processor's own exit line, only after its timeout line: alone, a -9 still reads as a kill for memory.
    nearBefore: /has timed out, killing it|ago killing it/,
    pattern: /Processor for ([^ ]+) exited with return code -9|DagFileProcessor[^\n]*(return code -9|SIGKILL|signal 9)/,
    severity: 'error',
    title: 'DAG file processing timed out (processor killed)',
  },
  {
    category: 'dagbag-import-timeout',
    cause:
      'Importing DAG file {1} took longer than core.dagbag_import_timeout (the UI banner says `Timeout, PID`), so its DAGs were not loaded.',
    confidence: 0.95,
    doc: DOC.airflow202,
    fix: [
      "Move API calls, database queries and heavy imports out of the DAG file's top level into tasks.",
      'Raise core.dagbag_import_timeout in the Airflow configuration options if parsing is legitimately slow.',
    ],
    id: 'broken-dag-timeout',
    keywords: ['Timeout, PID'],
    pattern: /Broken DAG: \[?([^\]\n]+)\]? Timeout, PID/,
    severity: 'error',
    title: 'DAG file import timed out (UI banner)',
  },
  {
    category: 'dagbag-import-timeout',
    cause:
      "A DAG file import was stopped by Airflow's timeout (`Process timed out` next to DagBag lines): parsing took longer than core.dagbag_import_timeout, so its DAGs were not loaded.",
    confidence: 0.9,
    doc: DOC.airflow202,
    fix: [
      "Move API calls, database queries and heavy imports out of the DAG file's top level into tasks.",
      'Raise core.dagbag_import_timeout (and core.dag_file_processor_timeout) in the Airflow configuration options if parsing is legitimately slow.',
    ],
    groups: ['dag-processing', 'scheduler', 'webserver', 'worker'],
    id: 'dagbag-process-timeout',
    keywords: ['Process timed out', 'Timeout, PID'],
    // Task logs also start with `Filling up the DagBag`: only DAG-file processing context counts.
    near: /Failed to import|processor\.py|DagFileProcessor|Broken DAG|process_file|list_dags|Processing file/,
    pattern: /Process timed out(, PID| *\n| *$)|Timeout, PID: [0-9]+/,
    severity: 'error',
    title: 'DAG file import timed out',
  },
  // --- module-not-found ---
  {
    category: 'module-not-found',
    cause:
      'Python module {2} is not installed where this code runs: it is missing from requirements.txt, requirements.txt failed to install, or the module is in plugins.zip under another path.',
    confidence: 0.85,
    doc: DOC.dependencies,
    fix: [
      'Add the package that provides the module to requirements.txt (with a version allowed by the constraints file) and update the environment.',
      'If it is in requirements.txt, look for a failed install in the requirements_install_* streams (pipeops links them when both are in the window).',
      'For your own modules, put them in the dags folder or plugins.zip and import them by their path from there.',
    ],
    id: 'module-not-found',
    keywords: ['No module named'],
    pattern: /(No module named) '?([A-Za-z0-9_.]+)'?/,
    severity: 'error',
    title: 'Python module not found',
  },
  {
    category: 'module-not-found',
    cause:
      'The installed code does not provide {1}: an installed package version differs from the one the code was written for, or an old copy of your own module is imported.',
    confidence: 0.8,
    doc: DOC.dependencies,
    fix: [
      'Pin the package version the code expects in requirements.txt, within the constraints file of your Airflow version.',
    ],
    id: 'cannot-import-name',
    keywords: ['cannot import name'],
    pattern: /cannot import name '?([A-Za-z0-9_]+)'?/,
    severity: 'error',
    title: 'Python import failed: name not in installed version',
  },
  {
    category: 'module-not-found',
    cause: 'A native library ({1}) the code loads is not on the MWAA image (for example the Oracle client).',
    confidence: 0.85,
    doc: DOC.logs,
    fix: [
      'Ship the library in plugins.zip and point LD_LIBRARY_PATH at it from the startup script.',
      'For plugins that load it, set `core.lazy_load_plugins=False`.',
    ],
    id: 'shared-library-missing',
    keywords: ['cannot open shared object file'],
    pattern: /([A-Za-z0-9_.+-]+\.so[.0-9]*): cannot open shared object file/,
    severity: 'error',
    title: 'Native library not found',
  },
  // --- secrets-backend: a missing Variable or Connection (before dag-import-error: a DAG file that
  // fails to import because of one is fixed by defining it, not by editing the file) ---
  {
    category: 'secrets-backend',
    cause: 'Connection {1} is not defined in any secrets backend, environment variable or the metadata DB.',
    confidence: 0.75,
    doc: DOC.secrets,
    fix: [
      'Create the secret <connections_prefix>/{1} in Secrets Manager (or the connection in Airflow), or fix the conn_id in the DAG.',
    ],
    id: 'connection-not-defined',
    keywords: ["isn't defined", 'CONNECTION_NOT_FOUND'],
    pattern: /The conn_id `([^`{}]+)` isn't defined|CONNECTION_NOT_FOUND: \{'conn_id': '([^']+)'/,
    severity: 'error',
    title: 'Airflow connection not defined',
  },
  {
    category: 'secrets-backend',
    cause:
      'Airflow Variable {1} is not defined in any secrets backend, environment variable or the metadata DB (Variable.get without a default raises KeyError; at DAG top level it breaks the whole file).',
    confidence: 0.8,
    doc: DOC.secrets,
    fix: [
      'Create the secret <variables_prefix>/{1} in Secrets Manager (or the Variable in Airflow), or fix the name in the DAG.',
      'Pass a default (`Variable.get(name, default_var=...)`) and read Variables inside tasks or templates (`{{ var.value.name }}`), not at DAG top level.',
    ],
    id: 'variable-not-found',
    keywords: ['does not exist', 'VARIABLE_NOT_FOUND'],
    // `{key}` is the frame line `raise KeyError(f'Variable {key} does not exist')`, not a name.
    pattern: /Variable:? ([^ ':{}]+) does not exist|VARIABLE_NOT_FOUND/,
    severity: 'error',
    title: 'Airflow Variable not defined',
  },
  // --- dag-import-error ---
  {
    category: 'dag-import-error',
    cause: 'A DAG file has a Python syntax error, so none of its DAGs are loaded.',
    confidence: 0.9,
    doc: DOC.airflow202,
    fix: [
      'Run `python -m py_compile <dag file>` locally, fix the line the traceback names, and upload the file again.',
    ],
    groups: ['dag-processing', 'scheduler', 'webserver'],
    id: 'dag-syntax-error',
    keywords: ['SyntaxError', 'IndentationError', 'TabError', 'invalid syntax ('],
    pattern: /(SyntaxError|IndentationError|TabError): |invalid syntax \(/,
    severity: 'error',
    title: 'DAG file has a syntax error',
  },
  {
    category: 'dag-import-error',
    cause:
      'An operator in a DAG file was given arguments its installed version does not take (or lacks one it requires): the DAG cannot be built, so the file fails to import. Usually the DAG was written for another version of Airflow or of the provider package.',
    confidence: 0.85,
    doc: DOC.airflow202,
    fix: [
      'Compare the arguments the traceback names with the operator signature of the installed provider version (`pip show <provider>` in aws-mwaa-docker-images, or the provider docs for that version).',
      'Pin the provider version the DAG was written for in requirements.txt (within the constraints file), or change the arguments to the installed version.',
      'Reproduce with `python <dag file>` or `airflow dags list-import-errors` locally.',
    ],
    id: 'operator-arguments-invalid',
    keywords: ['unexpected keyword argument', 'Invalid arguments were passed', '__init__() missing'],
    pattern:
      /__init__\(\) got an unexpected keyword argument '?([A-Za-z0-9_]*)|Invalid arguments were passed to ([A-Za-z0-9_]+)|__init__\(\) missing [0-9]+ required [a-z-]+ arguments?: '?([A-Za-z0-9_]*)/,
    severity: 'error',
    title: 'DAG file failed to import: operator arguments do not match the installed version',
  },
  {
    category: 'dag-import-error',
    cause: 'Airflow failed to import the DAG file {2}; its DAGs are missing from the UI and will not be scheduled.',
    confidence: 0.9,
    doc: DOC.airflow202,
    fix: [
      'Read the traceback under this line for the failing line of the DAG file.',
      'Reproduce locally with `python <dag file>` in aws-mwaa-docker-images, or `airflow dags list-import-errors`.',
    ],
    groups: ['dag-processing', 'scheduler', 'webserver'],
    id: 'dag-import-failed',
    keywords: ['Failed to import:', 'Broken DAG'],
    pattern: /(Failed to import:|Broken DAG:) \[?([^\]\n ]+)/,
    severity: 'error',
    title: 'DAG file failed to import',
  },
  {
    category: 'dag-import-error',
    cause:
      'A task referred to a DAG the scheduler or worker could not load ({1}): the file failed to import there or was removed.',
    confidence: 0.6,
    doc: DOC.airflow202,
    fix: [
      "Check the DAGProcessing logs for this DAG file's import error.",
      'Make sure the file exists in the DAGs folder on S3 and parses on every component.',
    ],
    id: 'dag-not-found',
    keywords: ["Couldn't find dag", 'could not be found', 'DagNotFound', 'not found in path'],
    pattern:
      /Couldn't find dag ([^ ]+) in DagBag|dag_id could not be found|Dag '[^']*' could not be found|DAG \[[^\]\n]*\] could not be found|DagNotFound|Dag '[^']*' not found in path/,
    severity: 'error',
    title: 'DAG not found in DagBag',
  },
  {
    category: 'dag-import-error',
    cause:
      "Airflow's DagBag logged an error while loading a DAG file (Airflow 3 structured log): the file's DAGs are missing or rejected (import error, cluster policy).",
    confidence: 0.75,
    doc: DOC.airflow202,
    fix: [
      'Read the exception in the event (exc_type / exc_value) for the failing line or the policy that rejected the DAG.',
      'Reproduce with `airflow dags list-import-errors` or `python <dag file>` in aws-mwaa-docker-images.',
    ],
    id: 'dagbag-logger-error',
    keywords: ['airflow.models.dagbag.DagBag'],
    pattern:
      /"level": *"error"[^}]*"logger": *"airflow\.models\.dagbag\.DagBag"|\[error *\][^\n]*\[airflow\.models\.dagbag\.DagBag\]/,
    severity: 'error',
    title: 'DAG file rejected while loading',
  },
  // --- access-denied ---
  {
    category: 'access-denied',
    cause: 'An AWS call made from Airflow was denied ({1} on {2}).',
    confidence: 0.95,
    doc: DOC.executionRole,
    fix: [
      "Add the minimal statement below to the execution role (identity-based) or to the resource's policy (resource-based).",
      'Verify with the `aws iam simulate-principal-policy` command below before re-running the task.',
    ],
    id: 'aws-access-denied',
    keywords: ['An error occurred (', 'is not authorized to perform'],
    pattern:
      /An error occurred \((AccessDenied|AccessDeniedException|UnauthorizedOperation|UnauthorizedAccess|AuthorizationError|AuthorizationErrorException|Forbidden|403)\) when calling the ([A-Za-z0-9]+) operation|is not authorized to perform/,
    severity: 'error',
    title: 'AWS access denied',
  },
  {
    category: 'access-denied',
    cause:
      'An AWS call made from Airflow had no valid credentials: none were found, the token was expired or not recognised, or the keys or request signature were rejected. On MWAA tasks get the execution role automatically, so an Airflow connection (or code) that sets its own keys, a role to assume, or a profile is overriding it.',
    confidence: 0.85,
    doc: DOC.executionRole,
    fix: [
      'Check the Airflow connection the task uses (aws_default unless set): empty login/password and no role_arn let it use the execution role.',
      'Remove keys or AWS_PROFILE set in code, the startup script or environment variables; expired keys must be replaced, not retried.',
      'Outside MWAA (local runner, Docker), give the container credentials: mount ~/.aws or pass AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN.',
    ],
    id: 'aws-credentials-unavailable',
    // botocore prints `NoCredentialsError: Unable to locate credentials`: the class name is found through the Error anchor.
    // An XML error body (boto 2, raw HTTP clients, S3) carries the code as `<Code>…</Code>` inside `<Error>`.
    keywords: ['NoCredentialsError', 'An error occurred (', '<Error>'],
    pattern:
      /NoCredentialsError|An error occurred \((ExpiredToken|ExpiredTokenException|InvalidClientTokenId|UnrecognizedClientException|InvalidSignatureException|SignatureDoesNotMatch|InvalidAccessKeyId|AuthFailure)\) when calling|<Error>.*<Code>(ExpiredToken|InvalidClientTokenId|UnrecognizedClientException|InvalidSignatureException|SignatureDoesNotMatch|InvalidAccessKeyId|AuthFailure)<[/]Code>/,
    severity: 'error',
    title: 'AWS credentials missing or expired',
  },
  {
    category: 'access-denied',
    cause:
      'A Google Cloud call made from Airflow was denied (HTTP 403): the service account of the connection the task uses lacks the permission the message names.',
    confidence: 0.85,
    doc: 'https://cloud.google.com/iam/docs/troubleshooting-access',
    fix: [
      'Grant a role that holds the permission named in the message (e.g. bigquery.jobs.create) to the service account of the connection (gcp_conn_id, or impersonation_chain when set), on the project or resource the message names.',
      "Check that the task uses the connection you expect: a default connection without credentials falls back to the environment's own identity.",
    ],
    id: 'gcp-permission-denied',
    // google-api-core raises Forbidden (403) / PermissionDenied; the message says `does not have <service.resource.verb> permission`.
    keywords: ['google.api_core.exceptions.', 'does not have'],
    pattern:
      /google[.]api_core[.]exceptions[.](Forbidden|PermissionDenied)|does not have [a-z]+[.][A-Za-z]+[.][A-Za-z]+ permission/,
    severity: 'error',
    title: 'Google Cloud permission denied',
  },
  {
    category: 'access-denied',
    cause:
      'Kubernetes refused a call Airflow made with its service account (RBAC): the role bound to it does not allow that verb on that resource.',
    confidence: 0.7,
    doc: DOC.executionRole,
    fix: [
      'Add the verb and resource named in the message (for example get on pods/log, list on pods) to the Role bound to the service account, then re-run the task.',
      'Verify with `kubectl auth can-i <verb> <resource> --as=system:serviceaccount:<namespace>:<account>`.',
    ],
    id: 'kubernetes-forbidden',
    keywords: ['is forbidden: User'],
    pattern: /is forbidden: User [^ ]+ cannot [a-z]+ resource/,
    severity: 'error',
    title: 'Kubernetes RBAC denied a call',
  },
  // --- worker-autoscaling (before oom-sigkill: WorkerLostError often carries SIGKILL) ---
  {
    category: 'worker-autoscaling',
    cause: 'A worker shut down while it still ran tasks (scale-in or replacement); those tasks were interrupted.',
    confidence: 0.85,
    doc: DOC.autoscaling,
    fix: [
      'Raise --min-workers, or set min = max during the busy period, so autoscaling does not remove workers with running tasks.',
      'Clear the interrupted task instances so they run again; make tasks idempotent and retried (retries > 0).',
    ],
    groups: ['worker', 'scheduler'],
    id: 'worker-interrupted',
    keywords: ['Worker was not shutdown via expected methods', 'There are non-zero ongoing tasks'],
    pattern: /Worker was not shutdown via expected methods|There are non-zero ongoing tasks/,
    severity: 'error',
    title: 'Worker shut down with tasks running',
  },
  {
    category: 'worker-autoscaling',
    cause:
      'The Celery worker was shutting down ("Warm shutdown") and its pool processes, still running tasks, were terminated with SIGTERM: the worker was scaled in or replaced under running tasks.',
    confidence: 0.8,
    doc: DOC.autoscaling,
    fix: [
      'Raise --min-workers, or set min = max during the busy period, so autoscaling does not remove workers with running tasks.',
      'Clear the interrupted task instances so they run again; make tasks idempotent and retried (retries > 0).',
    ],
    groups: ['worker', 'scheduler'],
    id: 'worker-shutdown-sigterm',
    keywords: ['signal 15 (SIGTERM)'],
    near: /Warm shutdown/,
    pattern: /Worker exited prematurely: signal 15 \(SIGTERM\)|exited with 'signal 15 \(SIGTERM\)'/,
    severity: 'error',
    title: 'Worker shut down under running tasks (SIGTERM)',
  },
  {
    category: 'sigterm',
    cause:
      'A Celery pool process running a task was terminated with SIGTERM. No warm shutdown of the worker is in these lines, so this is not shown to be a scale-in: something sent the signal to the process (a task state change, a timeout, the container platform).',
    confidence: 0.6,
    doc: DOC.airflow202,
    fix: [
      'Look at the linked explanation below; without one, read the scheduler log at the same time (state changes, zombie detection, dagrun_timeout) and the platform events of the worker host.',
      'If the worker itself was stopped, its log shows "Warm shutdown" just before: then raise --min-workers so busy workers are not removed.',
    ],
    groups: ['worker', 'scheduler'],
    id: 'celery-child-sigterm',
    keywords: ['signal 15 (SIGTERM)'],
    pattern: /Worker exited prematurely: signal 15 \(SIGTERM\)|exited with 'signal 15 \(SIGTERM\)'/,
    severity: 'error',
    title: 'Task process terminated with SIGTERM (Celery)',
  },
  {
    category: 'worker-autoscaling',
    cause:
      'A Celery worker process or host was lost while running tasks (killed — often by the out-of-memory killer when the text shows SIGKILL —, scaled in or replaced).',
    confidence: 0.8,
    doc: DOC.autoscaling,
    fix: [
      'Check MemoryUtilization/CPUUtilization of the workers at that time (OOM kills worker processes).',
      'Raise --min-workers or set min = max so scale-in does not remove busy workers.',
    ],
    groups: ['worker', 'scheduler'],
    id: 'worker-lost',
    keywords: ['WorkerLostError', 'Worker exited prematurely', 'missed heartbeat from celery'],
    pattern: /WorkerLostError|Worker exited prematurely|missed heartbeat from celery@/,
    severity: 'error',
    title: 'Celery worker lost',
  },
  // --- oom-sigkill ---
  {
    category: 'oom-sigkill',
    cause:
      'The task process was killed with SIGKILL (-9). On MWAA this is almost always the worker running out of memory.',
    confidence: 0.85,
    doc: DOC.airflow202,
    fix: [
      "Reduce the task's memory: stream or chunk data instead of loading it whole (pandas read in chunks, S3 multipart, Athena/Glue for heavy transforms).",
      "Lower celery.worker_autoscale (tasks per worker) so fewer tasks share a worker's memory, or move to a larger environment class.",
      'Check the AWS/MWAA MemoryUtilization metric of the workers around the failure; scaling out workers alone does not fix a single task that needs more memory.',
    ],
    groups: ['task', 'worker', 'scheduler'],
    id: 'task-sigkill',
    keywords: ['return code -9', 'SIGKILL', 'signal=-9', 'signal 9'],
    pattern:
      /return code -9|Negsignal\.SIGKILL|signal 9 \(SIGKILL\)|terminated by signal.*SIGKILL|signal=-9|exited with 'signal 9|terminated due to signal 9|was sent SIGKILL/,
    severity: 'critical',
    title: 'Task killed with SIGKILL (likely out of memory)',
    // Airflow 3's supervisor logs the signal it sent itself: a SIGKILL it sent (after a state change,
    // a rejected token or an ignored SIGTERM) says nothing about memory.
    unless: /signal_sent=SIGKILL/,
  },
  {
    category: 'oom-sigkill',
    cause: 'Airflow reports that the job was killed before it finished, likely because it ran out of memory.',
    confidence: 0.9,
    doc: DOC.airflow202,
    fix: [
      "Reduce the task's memory use or tasks per worker (celery.worker_autoscale); consider a larger environment class.",
    ],
    id: 'job-killed-oom',
    keywords: ['running out of memory'],
    pattern: /was killed before it finished \(likely due to running out of memory\)/,
    severity: 'critical',
    title: 'Job killed (out of memory)',
  },
  {
    category: 'oom-sigkill',
    cause:
      'The container that ran it (a Kubernetes pod or a Docker container) was killed for memory: {1}. Its memory limit is lower than what the task (or the Airflow component) needs.',
    confidence: 0.9,
    doc: DOC.airflow202,
    fix: [
      "Raise the container's memory limit (the pod's resources.limits.memory, executor_config / pod_override for one task, or the Docker memory limit), or make the task use less memory.",
      "On MWAA, where workers are managed containers, lower tasks per worker (celery.worker_autoscale) or use a larger environment class; check the workers' MemoryUtilization.",
    ],
    id: 'container-oom-killed',
    // The Kubernetes reason `OOMKilled`, an eviction for node memory pressure, and the exit code 137 (128 + SIGKILL)
    // that Docker and Kubernetes report for a container killed by the kernel's OOM killer.
    keywords: ['OOMKilled', 'low on resource: memory', 'code 137'],
    pattern: /(OOMKilled|The node was low on resource: memory|exit(ed with)? code:? 137([^0-9]|$))/,
    severity: 'critical',
    title: 'Container killed for memory (OOMKilled)',
  },
  {
    category: 'oom-sigkill',
    cause: 'Python or the OS could not allocate memory in the task.',
    confidence: 0.85,
    doc: DOC.airflow202,
    fix: ['Process the data in smaller pieces, or reduce tasks per worker / use a larger environment class.'],
    groups: ['task', 'worker', 'scheduler', 'dag-processing'],
    id: 'memory-error',
    keywords: ['MemoryError', 'Cannot allocate memory', 'Out of memory'],
    pattern: /(^|[^A-Za-z])MemoryError|Cannot allocate memory|Out of memory: Kill/,
    severity: 'error',
    title: 'Out of memory',
  },
  // --- task-timeout ---
  {
    category: 'task-timeout',
    cause: 'The task ran past its execution_timeout and Airflow stopped it.',
    confidence: 0.9,
    doc: DOC.airflow202,
    fix: [
      'Raise execution_timeout on the task if the work legitimately takes longer.',
      'Otherwise find what is slow (a query, an external API); long waits belong in deferrable operators or sensors in reschedule mode.',
    ],
    groups: ['task', 'worker'],
    id: 'task-execution-timeout',
    keywords: ['AirflowTaskTimeout'],
    pattern: /AirflowTaskTimeout/,
    severity: 'error',
    title: 'Task hit its execution_timeout',
  },
  {
    category: 'task-timeout',
    cause:
      "Airflow's timeout stopped a running task (`Process timed out, PID`): the task ran past its execution_timeout.",
    confidence: 0.8,
    doc: DOC.airflow202,
    fix: [
      'Raise execution_timeout on the task if the work legitimately takes longer.',
      'Otherwise find what is slow (a query, an external API, a pod that does not start); long waits belong in deferrable operators or sensors in reschedule mode.',
    ],
    groups: ['task', 'worker'],
    id: 'task-process-timeout',
    keywords: ['Process timed out', 'Timeout, PID'],
    pattern: /Process timed out(, PID| *\n| *$)|Timeout, PID: [0-9]+/,
    severity: 'error',
    title: 'Task stopped by its timeout',
  },
  {
    category: 'task-timeout',
    cause: 'The DAG run {1} ran past dagrun_timeout; the scheduler failed it and sent SIGTERM to its running tasks.',
    confidence: 0.9,
    doc: DOC.airflow202,
    fix: [
      'Raise dagrun_timeout on the DAG, or make the slowest tasks faster.',
      "Check for tasks waiting in the queue (queued-stuck findings) that eat the run's time.",
    ],
    groups: ['scheduler'],
    id: 'dagrun-timeout',
    keywords: ['has timed-out'],
    pattern: /Run ([^ ]+) of ([^ ]+) has timed-out/,
    severity: 'error',
    title: 'DAG run timed out (dagrun_timeout)',
  },
  {
    category: 'task-timeout',
    cause:
      'The running task was set to skipped in the metadata database. When a DAG run passes its dagrun_timeout, the scheduler fails the run and sets every unfinished task to skipped (then the task process gets SIGTERM); a user can also set it from the UI or API.',
    confidence: 0.7,
    doc: DOC.airflow202,
    fix: [
      'Look in the scheduler log for `Run … of <dag> has timed-out` at that time: if it is there, raise dagrun_timeout on the DAG or make its slowest tasks faster.',
      "Check for tasks waiting in the queue (queued-stuck findings) that eat the run's time.",
    ],
    id: 'dagrun-timeout-skipped',
    keywords: ['externally set to', "shouldn't be running anymore", 'no longer in the running state'],
    pattern: /externally set to skipped|current_state.{1,6}skipped/,
    severity: 'error',
    title: 'Running task set to skipped (most likely the DAG run hit dagrun_timeout)',
  },
  // --- zombie-task ---
  {
    category: 'zombie-task',
    cause:
      'The scheduler found a running task whose process stopped heartbeating (a zombie) and failed it: the worker or process died without reporting back.',
    confidence: 0.8,
    doc: DOC.airflow202,
    fix: [
      'Look for the cause on the worker at the same time: OOM (SIGKILL), worker scale-in, or a worker that was replaced.',
      'If tasks hold the CPU without yielding (tight loops), the heartbeat thread starves; move heavy work off the worker.',
    ],
    groups: ['scheduler', 'dag-processing', 'task'],
    id: 'zombie-detected',
    keywords: ['zombie', 'jobs without heartbeat'],
    pattern:
      /Detected zombie job|[0-9]+ zombie task instances|zombie task instance|Failing zombie|Marked zombie job|Failing \([1-9][0-9]*\) jobs without heartbeat/,
    severity: 'error',
    title: 'Zombie task detected',
  },
  {
    category: 'zombie-task',
    cause:
      "The executor says the task finished ({2}) while the task instance still says it is running: the task was killed outside Airflow (worker lost, OOM, or MWAA's 12-hour task limit).",
    confidence: 0.8,
    doc: DOC.logs,
    fix: [
      'Check the Worker logs for the same time (warm shutdown, SIGKILL, worker replaced).',
      'Split tasks that run for hours: MWAA limits a single task to 12 hours.',
    ],
    groups: ['scheduler'],
    id: 'executor-reports-running',
    keywords: ['Executor reports task instance'],
    pattern: /Executor reports task instance (.+ )?finished \(([a-z]+)\) although the task says (its|it's) running/,
    severity: 'error',
    title: 'Task killed externally while running',
  },
  // --- queued-stuck ---
  {
    category: 'queued-stuck',
    cause:
      'The executor says the task finished ({2}) while it was still queued: it never started on a worker (worker lost or replaced, queue not served, or the task could not be launched).',
    confidence: 0.85,
    doc: DOC.airflow202,
    fix: [
      'Remove any `queue` argument from default_args or operators: MWAA workers only serve the default queue.',
      'Check the Worker logs for lost or restarted workers at the same time, and the TaskQueued/QueuedTasks metrics.',
      'If the backlog is high, raise --min-workers (or set min = max) so workers are not scaled in while tasks wait.',
    ],
    groups: ['scheduler'],
    id: 'executor-reports-queued',
    keywords: ['Executor reports task instance'],
    pattern: /Executor reports task instance (.+ )?finished \(([a-z]+)\) although the task says (its|it's) queued/,
    severity: 'error',
    title: 'Task finished while still queued (never ran)',
  },
  {
    category: 'queued-stuck',
    cause: 'The task stayed in the queued state past scheduler.task_queued_timeout and was failed without running.',
    confidence: 0.85,
    doc: DOC.autoscaling,
    fix: [
      "Check the QueuedTasks and RunningTasks metrics: if the queue is long, raise MaxWorkers or lower the DAGs' concurrency.",
      'Raise --min-workers so capacity is already there when the backlog starts.',
    ],
    groups: ['scheduler'],
    id: 'stuck-in-queued',
    keywords: ['stuck in queued'],
    pattern: /stuck in queued/,
    severity: 'error',
    title: 'Task stuck in queued',
  },
  {
    category: 'queued-stuck',
    cause: 'The Celery executor could not queue the task (the SQS queue or its permissions/KMS key are not usable).',
    confidence: 0.85,
    doc: DOC.executionRole,
    fix: [
      "Check that the execution role allows sqs:SendMessage and the other sqs actions on airflow-celery-* and kms actions for the queue's key.",
    ],
    groups: ['scheduler'],
    id: 'could-not-queue-task',
    keywords: ['could not queue task'],
    pattern: /could not queue task/,
    severity: 'error',
    title: 'Task could not be queued',
  },
  {
    category: 'queued-stuck',
    cause: 'Tasks adopted from a previous scheduler were still pending on the queue after the adoption timeout.',
    confidence: 0.75,
    doc: DOC.airflow202,
    fix: [
      'Check for workers that were replaced or scaled in; clear the affected task instances so they are queued again.',
    ],
    groups: ['scheduler'],
    id: 'adopted-tasks-pending',
    keywords: ['Adopted tasks were still pending'],
    pattern: /Adopted tasks were still pending after/,
    severity: 'warning',
    title: 'Adopted tasks still pending',
  },
  {
    category: 'queued-stuck',
    cause: 'The worker received the task but the `airflow tasks run` command failed on it before the task ran.',
    confidence: 0.5,
    doc: DOC.airflow202,
    fix: [
      "Read the lines before this one on the same worker: the command's own error (DAG not found on the worker, import error, DB error) is the cause.",
      "If the worker's lines are not at hand, open the task's own log: a package missing on the worker (ModuleNotFoundError) is a frequent reason, and it shows there, not here.",
    ],
    groups: ['worker'],
    id: 'celery-command-failed',
    keywords: ['Celery command failed', 'execute_command encountered a CalledProcessError', 'Failed to execute task'],
    // Celery's executor logs `[<celery task id>] Failed to execute task <error>.`; the debug and local executors'
    // `Failed to execute task: <error>` is the task's own exception, not a launch failure on a worker.
    pattern: /Celery command failed|execute_command encountered a CalledProcessError|Failed to execute task [^:]/,
    severity: 'warning',
    title: 'Worker failed to launch a task',
  },
  // --- sigterm ---
  {
    category: 'sigterm',
    cause:
      'Airflow found that the task instance is no longer running in the metadata database ({1}) and stopped the task process. This line says the state changed; it does not say who changed it.',
    confidence: 0.6,
    doc: DOC.airflow202,
    fix: [
      'Read the linked explanation below: the known causes are ranked by the evidence in these logs.',
      'Without one, look at the scheduler logs at the same time for zombie detection (missed heartbeats under scheduler or metadata-database load) and at the DAG run for a dagrun_timeout.',
    ],
    id: 'state-changed-externally',
    keywords: [
      'externally set to',
      "shouldn't be running anymore",
      'no longer in the running state',
      'PID of job runner does not match',
      'does not match the current pid',
    ],
    pattern:
      /externally set to ([a-z_]+)|Server indicated the task shouldn't be running anymore|TI is no longer in the running state|PID of job runner does not match|Recorded pid [0-9]+ does not match the current pid/,
    severity: 'warning',
    title: 'Task state changed outside the task',
  },
  {
    category: 'sigterm',
    cause:
      "The task had already been marked SUCCESS when its process received SIGTERM: Airflow's post-success check found the task no longer running and terminated the leftover process. The task's result stands; nothing needs fixing unless the task is later marked failed.",
    confidence: 0.8,
    doc: DOC.airflow202,
    fix: [
      'Nothing to fix for this run: the task succeeded before the signal.',
      'If such tasks are later marked failed, check for callbacks or sub-processes that keep running after the task returns.',
    ],
    id: 'sigterm-after-success',
    keywords: ['Received SIGTERM', 'Task received SIGTERM signal', 'Negsignal.SIGTERM'],
    nearBefore: /Marking task as SUCCESS|externally set to success/,
    pattern: /Received SIGTERM|Task received SIGTERM signal|Negsignal\.SIGTERM/,
    severity: 'warning',
    title: 'SIGTERM after the task succeeded (an Airflow behaviour, not a failure)',
  },
  {
    category: 'sigterm',
    cause:
      'The task received SIGTERM: something stopped it from outside. Neighbouring lines usually say why (state set externally, DAG run timeout, worker scale-in, OOM).',
    confidence: 0.6,
    doc: DOC.airflow202,
    fix: [
      'Look at the linked explanation below; without one, check who changed the task state (UI/API "mark failed", clear) and Worker logs for a warm shutdown at the same time.',
      'If workers are being scaled in under running tasks, raise --min-workers or set min = max for the busy period.',
    ],
    id: 'task-sigterm',
    keywords: ['Received SIGTERM', 'signal 15 (SIGTERM)', 'return code -15', 'Negsignal.SIGTERM', 'received SIGTERM'],
    pattern: /Received SIGTERM|Task received SIGTERM signal|signal 15 \(SIGTERM\)|return code -15|Negsignal\.SIGTERM/,
    severity: 'error',
    title: 'Task received SIGTERM',
  },
  // --- database-connection ---
  {
    category: 'database-connection',
    cause:
      'The metadata database schema does not match this Airflow version (a table, column or migration revision is missing): the database was not initialised or migrated, or it was migrated by another Airflow version.',
    confidence: 0.85,
    doc: DOC.logs,
    fix: [
      'Run the schema migration for the installed version (`airflow db migrate`, `airflow db upgrade` before 2.7) before starting the scheduler and webserver; in containers, wait for it before starting them.',
      'A revision that cannot be located means the database was migrated by a newer Airflow: run that version, or restore the database, instead of downgrading over it.',
      'On MWAA the metadata database is managed: this appears during version upgrades; if it persists, contact AWS Support.',
    ],
    id: 'metadata-db-schema',
    keywords: [
      'does not exist',
      "doesn't exist",
      'no such table',
      'no such column',
      'UndefinedTable',
      "Can't locate revision",
      'No such revision',
      "Can't find any foreign key relation",
      // Airflow prints it as `ERROR: You need to …`: found through the ERROR literal, no extra prefilter alternative.
      'ERROR: You need to ',
    ],
    pattern:
      /relation "[^"]+" does not exist|Table '[^']+' doesn't exist|no such table: |no such column: |UndefinedTable|Can't locate revision identified by|No such revision or branch|Can't find any foreign key relation|ERROR: You need to (upgrade|initialize) the database/,
    severity: 'error',
    title: 'Metadata database schema does not match Airflow',
  },
  {
    category: 'database-connection',
    cause:
      'A job could not write its heartbeat to the metadata database (the traceback under it is the database error): the task is then treated as a zombie or killed.',
    confidence: 0.75,
    doc: DOC.logs,
    fix: [
      'Read the exception at the end of the traceback (OperationalError, pool timeout) and check the metadata database and the scheduler load at that time.',
      "Check the security group: it must allow 5432 between the environment's own ENIs.",
    ],
    id: 'job-heartbeat-db-error',
    keywords: ['LocalTaskJob heartbeat got an exception'],
    pattern: /LocalTaskJob heartbeat got an exception/,
    severity: 'error',
    title: 'Task heartbeat could not reach the metadata database',
  },
  {
    category: 'database-connection',
    cause:
      'Two transactions on the Airflow metadata database waited for each other and the database aborted one (a deadlock). With several schedulers, or a scheduler and manual DAG-run/task changes at the same moment, this happens on the task_instance and dag_run tables; the scheduler retries, but a crash loop means it keeps colliding.',
    confidence: 0.8,
    doc: DOC.logs,
    fix: [
      'Check how many schedulers run and whether scripts or the API update task or DAG-run states in bulk at the same time.',
      'Upgrade Airflow when the deadlock is a known scheduler bug of your version (search its release notes for "deadlock").',
      'If it repeats, reduce scheduler concurrency (max_tis_per_query, parsing processes) until the load is lower.',
    ],
    id: 'metadata-db-deadlock',
    keywords: ['eadlock'],
    pattern: /[Dd]eadlock detected|DeadlockDetected|Deadlock found when trying to get lock/,
    severity: 'error',
    title: 'Metadata database deadlock',
  },
  {
    category: 'database-connection',
    cause:
      'The two transactions of a metadata-database deadlock are listed next to this error (`Process … waits for … Lock …; blocked by process …`, what PostgreSQL prints under `deadlock detected`): the database aborted one of them.',
    confidence: 0.75,
    doc: DOC.logs,
    fix: [
      'Check how many schedulers run and whether scripts or the API update task or DAG-run states in bulk at the same time.',
      'Upgrade Airflow when the deadlock is a known scheduler bug of your version (search its release notes for "deadlock").',
    ],
    id: 'metadata-db-deadlock-detail',
    // The lines a deadlock report was pasted with (`DETAIL:  Process N waits for ShareLock …`) hold no
    // literal of their own; the error next to them (ERROR line, traceback) is read with them as context.
    keywords: ['ERROR', 'Exception'],
    near: /Process [0-9]+ waits for [A-Za-z]+ on [a-z]+ [0-9]+; blocked by process [0-9]+/,
    pattern: /ERROR|Exception|Traceback \(most recent call last\)/,
    severity: 'error',
    title: 'Metadata database deadlock',
  },
  {
    category: 'database-connection',
    cause:
      'A schema migration of the metadata database stopped because a table or column it creates already exists: an earlier migration was half applied, or the database was migrated by another Airflow version.',
    confidence: 0.8,
    doc: DOC.logs,
    fix: [
      'Find the revision the database is at (`airflow db check-migrations`, the alembic_version table) and the revision the installed Airflow expects.',
      'Restore the database from the backup taken before the upgrade and run the migration once with the intended version; do not drop the object by hand unless the release notes say so.',
    ],
    id: 'metadata-db-migration-conflict',
    keywords: ['ProgrammingError', 'OperationalError'],
    // Only next to migration lines: a task's own SQL can also hit `relation … already exists`.
    near: /alembic|Running upgrade|[Mm]igrat|db upgrade|db init|upgradedb|initdb|resetdb/,
    pattern:
      /relation "[^"]+" already exists|Duplicate(Column|Table|Object)|Duplicate column name|Table '[^']+' already exists/,
    severity: 'error',
    title: 'Metadata database migration failed: object already exists',
  },
  {
    category: 'database-connection',
    cause:
      "The database server refused the login or does not know the role (wrong password or user name, a user or role that does not exist, or a host the server does not accept): the credentials in the connection do not match the server. For Airflow's own components, health checks and `airflow db` commands that is the metadata database connection (sql_alchemy_conn or its secret); for a task, the Airflow connection it uses.",
    confidence: 0.85,
    doc: 'https://airflow.apache.org/docs/apache-airflow/stable/howto/set-up-database.html',
    fix: [
      'Find which connection this is: a scheduler, webserver, liveness probe or `airflow db` line means the metadata database; a task log means the connection the task names.',
      'Compare the user and password in that connection (environment variable, secret or Helm value) with the database; a password changed on one side only, or a special character not URL-encoded in the URI, gives this error.',
      "For `no pg_hba.conf entry`, allow the client's address (or require SSL as the server expects) in the server's access rules.",
    ],
    id: 'database-login-rejected',
    // PostgreSQL: `FATAL:  password authentication failed for user "x"`, `role "x" does not exist` (at login, or in a
    // grant a migration runs), `no pg_hba.conf entry`;
    // MySQL: `(1045, "Access denied for user 'x'@'host' (using password: YES)")`.
    keywords: ['password authentication failed', 'does not exist', 'pg_hba.conf entry', 'Access denied for user'],
    pattern:
      /password authentication failed for user|role "[^"]+" does not exist|no pg_hba[.]conf entry for host|Access denied for user '[^']*'@/,
    severity: 'error',
    title: 'Database login rejected',
  },
  {
    category: 'database-connection',
    cause:
      'A component lost or could not open its connection to the Airflow metadata database. On MWAA this is usually a symptom of an overloaded scheduler or a security group that blocks port 5432, not the root cause.',
    confidence: 0.75,
    doc: DOC.logs,
    fix: [
      "Check the security group: it must allow 5432 between the environment's own ENIs (self-referencing rule).",
      'Check scheduler CPU/memory (AWS/MWAA metrics); add schedulers or a larger class if it is saturated.',
      'Reduce connections: fewer DAG files parsed per loop, lower parallelism.',
    ],
    id: 'metadata-db-connection',
    keywords: [
      'OperationalError',
      'server closed the connection unexpectedly',
      'could not connect to server',
      'QueuePool limit',
      'This transaction is closed',
      'ResourceClosedError',
      'SSL connection has been closed unexpectedly',
      'pgbouncer cannot connect',
    ],
    pattern:
      /psycopg2\.OperationalError|sqlalchemy\.exc\.OperationalError|(_mysql_exceptions|MySQLdb[._a-z]*|pymysql[.]err)[.]OperationalError|Lost connection to MySQL server|MySQL server has gone away|Can't connect to MySQL server|server closed the connection unexpectedly|could not connect to server|QueuePool limit of size|This transaction is closed|ResourceClosedError|SSL connection has been closed unexpectedly|pgbouncer cannot connect/,
    severity: 'error',
    title: 'Metadata database connection error',
  },
  {
    category: 'database-connection',
    cause:
      "A schema migration of the metadata database failed (`airflow db migrate` / `upgrade` / `init`, or a component that migrates at start): the traceback runs through Airflow's migration code. The exception at its end says why; when it was cut off in a paste, run the command again and read its last line.",
    confidence: 0.7,
    doc: DOC.logs,
    fix: [
      'Run the migration again and read the last line of its traceback: a revision that cannot be located, an object that already exists, a lock, or a library version (alembic, SQLAlchemy) outside the constraints file.',
      'Check the installed alembic and SQLAlchemy versions against the constraints file of the Airflow version you migrate to.',
      'Restore the database from the backup taken before the upgrade before retrying with another version.',
    ],
    id: 'metadata-db-migration-failed',
    // The frames of `airflow db …` (cli/commands/db_command.py) or of Airflow's alembic scripts (airflow/migrations/);
    // after the specific database rules, so a known cause in the same traceback comes first.
    keywords: ['db_command.py', 'airflow/migrations/'],
    // Only the migrating subcommands of db_command.py (`airflow db shell` or `check` fail for other reasons).
    pattern:
      /File "[^"]*airflow[/]cli[/]commands[/]db_command[.]py", line [0-9]+, in (upgradedb|migratedb|initdb|resetdb|downgrade)|File "[^"]*airflow[/]migrations[/][^"]*", line [0-9]+/,
    severity: 'error',
    title: 'Metadata database migration failed',
  },
  // --- scheduler-heartbeat ---
  {
    category: 'scheduler-heartbeat',
    cause: 'The scheduler is not heartbeating: nothing new is scheduled.',
    confidence: 0.85,
    doc: DOC.airflow202,
    fix: [
      'Check the Scheduler log group for the last error before the heartbeat stopped (DB errors, requirements/plugin failures that crash it).',
      'Check scheduler CPU; too many or too heavy DAG files starve it — reduce them or use a larger class / more schedulers.',
    ],
    id: 'scheduler-not-running',
    keywords: ['The scheduler does not appear to be running', 'heartbeat got an exception'],
    pattern: /The scheduler does not appear to be running|[Hh]eartbeat got an exception/,
    severity: 'critical',
    title: 'Scheduler not heartbeating',
  },
  {
    category: 'scheduler-heartbeat',
    cause: 'The DAG file processor manager stopped heartbeating and the scheduler restarted it.',
    confidence: 0.8,
    doc: DOC.airflow202,
    fix: [
      'Look for heavy or slow DAG files (dagbag-import-timeout findings); reduce top-level code; consider a larger class.',
    ],
    groups: ['scheduler', 'dag-processing'],
    id: 'dag-processor-manager-no-heartbeat',
    keywords: ['last sent a heartbeat'],
    pattern: /DagFileProcessorManager \(PID=.+\) last sent a heartbeat .+ seconds ago! Restarting it/,
    severity: 'error',
    title: 'DAG processor manager restarted (no heartbeat)',
  },
  {
    category: 'scheduler-heartbeat',
    cause: 'The scheduler left its scheduling loop and stopped: nothing is scheduled until it is restarted.',
    confidence: 0.6,
    doc: DOC.airflow202,
    fix: [
      'Read the lines just before this one for why it stopped (a signal from the container platform, an exception, a database error).',
      'Check that the scheduler is restarted by its supervisor; on MWAA, check the scheduler CPU and memory metrics.',
    ],
    id: 'scheduler-exited',
    keywords: ['Exited execute loop'],
    pattern: /Exited execute loop/,
    severity: 'warning',
    title: 'Scheduler loop exited',
  },
  // --- secrets-backend ---
  {
    category: 'secrets-backend',
    cause: 'Airflow could not read a connection or variable from the secrets backend and fell back to the next one.',
    confidence: 0.8,
    doc: DOC.secrets,
    fix: [
      'Check secrets.backend_kwargs (connections_prefix / variables_prefix) and that the secret name is <prefix>/<conn_id>.',
      'The execution role needs secretsmanager:GetSecretValue (and kms:Decrypt for a customer key) on those secrets.',
      'Private networks need a Secrets Manager VPC endpoint.',
    ],
    id: 'secrets-backend-read-failed',
    keywords: ['from secrets backend'],
    pattern: /Unable to retrieve (connection|variable) from secrets backend/,
    severity: 'error',
    title: 'Secrets backend read failed',
  },
  // --- remote-log-unavailable ---
  {
    category: 'remote-log-unavailable',
    cause:
      "The task's CloudWatch log stream could not be read: usually the task never started on a worker, or the execution role cannot write task logs (CloudWatch Logs permissions or KMS key policy).",
    confidence: 0.8,
    doc: DOC.logs,
    fix: [
      'Check that task logs are enabled at INFO or lower.',
      'Check the execution role allows logs:CreateLogStream, logs:PutLogEvents, logs:GetLogEvents on arn:aws:logs:*:*:log-group:airflow-<env>-*.',
      'If the task never ran, look at queued-stuck / worker findings and remove any `queue` from default_args.',
    ],
    id: 'remote-log-unreadable',
    keywords: [
      'Could not read remote logs',
      'The specified log stream does not exist',
      'Log file does not exist',
      'Could not read served logs',
      'Failed to fetch log file from worker',
      'Could not write logs to',
      'Reading from k8s pod logs failed',
      'No logs found on s3',
      'Failed to verify remote log exists',
    ],
    pattern:
      /Could not read remote logs|The specified log stream does not exist|Log file does not exist|Could not read served logs|Failed to fetch log file from worker|Could not write logs to|Reading from k8s pod logs failed|No logs found on s3|Failed to verify remote log exists/,
    severity: 'warning',
    title: 'Task log unavailable',
  },
  {
    category: 'secrets-backend',
    cause:
      'The secrets backend could not reach its AWS endpoint ({2}): a private network without a VPC endpoint (or NAT route) for the service, or a wrong region or endpoint in secrets.backend_kwargs.',
    confidence: 0.8,
    doc: DOC.secrets,
    fix: [
      'Check the endpoint host in the error: it must be secretsmanager.<region>.amazonaws.com (or ssm.<region>…); fix region_name / endpoint_url in secrets.backend_kwargs if it is not.',
      'In private subnets, add an interface VPC endpoint for Secrets Manager (or SSM) with private DNS, or a NAT route.',
    ],
    id: 'secrets-backend-unreachable',
    keywords: ['EndpointConnectionError', 'Could not connect to the endpoint', 'endpoint URL'],
    pattern:
      /(Could not connect to the endpoint URL|Connect timeout on endpoint URL|Read timeout on endpoint URL|Connection was closed before we received a valid response from endpoint URL):? *"?(https?:[/][/](secretsmanager|ssm)[.][^" ]*)/,
    severity: 'error',
    title: 'Secrets backend endpoint unreachable',
  },
  // --- network-timeout ---
  {
    category: 'network-timeout',
    cause:
      "The Celery broker could not be reached ({1}): the scheduler cannot queue tasks and workers cannot receive them, so tasks stay queued or fail while queued. On MWAA the broker is Amazon SQS, reached through the environment's network; in self-managed Airflow it is Redis or RabbitMQ.",
    confidence: 0.8,
    doc: DOC.networking,
    fix: [
      'Check that the broker named in the error is running and reachable from the scheduler and the workers (host, port, DNS name in celery.broker_url).',
      'On MWAA, the environment needs a route to SQS: an interface VPC endpoint for SQS with private DNS, or a NAT gateway, and security groups that allow HTTPS (443).',
      'When the broker restarts or fails over, tasks queued meanwhile end as failed while queued: clear and re-run them once it is back.',
    ],
    id: 'celery-broker-unreachable',
    // redis-py: `Error 111 connecting to redis:6379. Connection refused.`; kombu wraps it in its OperationalError;
    // Celery's consumer: `Cannot connect to redis://…` / `amqp://…` / `sqs://…`.
    keywords: [
      'Cannot connect to',
      ' connecting to ',
      'kombu.exceptions.OperationalError',
      'redis.exceptions.',
      'Connection to broker lost',
    ],
    pattern:
      /(Cannot connect to (redis|rediss|amqp|amqps|pyamqp|sqs)[+a-z]*:[/][/]|Error -?[0-9]+ connecting to [^ ]*[^ .]|kombu[.]exceptions[.]OperationalError|redis[.]exceptions[.](ConnectionError|TimeoutError)|Connection to broker lost)/,
    severity: 'error',
    title: 'Celery broker unreachable',
  },
  {
    category: 'network-timeout',
    cause:
      "A call to the AWS endpoint {2} failed in the network, not in AWS ({1}): the connection could not be opened, timed out, or was closed before a response. In MWAA's private subnets the service needs a VPC endpoint (or a NAT route) and a security group that lets HTTPS (443) out to it; a wrong Region or endpoint_url gives the same error.",
    confidence: 0.8,
    doc: DOC.networking,
    fix: [
      'The host in the error names the service and the Region: check that the Region is the intended one (region_name / endpoint_url on the Airflow connection).',
      'In private subnets, add an interface VPC endpoint for that service with private DNS (a gateway endpoint for S3 and DynamoDB), or route through a NAT gateway.',
      "Allow HTTPS (443) from the environment's security group to the endpoint (its security group and the subnets' NACLs).",
      "A read timeout or a closed connection on a long call that usually works (a log tail, a large transfer): raise read_timeout and retries in the connection's botocore config.",
    ],
    id: 'aws-endpoint-unreachable',
    // botocore's messages for EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError and ConnectionClosedError.
    keywords: ['endpoint URL', 'Could not connect to the endpoint'],
    pattern:
      /(Could not connect to the endpoint URL|Connect timeout on endpoint URL|Read timeout on endpoint URL|Connection was closed before we received a valid response from endpoint URL):? *"?(https?:[/][/][^"/ ]+)/,
    severity: 'error',
    title: 'AWS endpoint unreachable',
  },
  {
    category: 'network-timeout',
    cause:
      'A network call from the environment timed out or could not reach its endpoint: private subnets without a NAT gateway or VPC endpoint for the service, a security group or NACL that blocks it, or DNS.',
    confidence: 0.7,
    doc: DOC.networking,
    fix: [
      'For AWS services: add an interface VPC endpoint (or a NAT route) for the service named in the error.',
      "For other hosts: check the route tables, security group egress and NACLs of the environment's subnets.",
      "Raise the client's connect/read timeouts only after the path is known to work.",
    ],
    id: 'network-timeout',
    keywords: [
      'ConnectTimeout',
      'EndpointConnectionError',
      'ReadTimeout',
      'endpoint URL',
      'Could not connect to the endpoint',
      'Connection timed out',
      'Max retries exceeded',
      'NewConnectionError',
      'Temporary failure in name resolution',
      'Name or service not known',
      'Network is unreachable',
      'Cannot connect to',
      'Connection refused',
    ],
    pattern:
      /ConnectTimeout|EndpointConnectionError|ReadTimeout|Connect timeout on endpoint URL|Could not connect to the endpoint URL|Connection timed out|Max retries exceeded with url|NewConnectionError|Temporary failure in name resolution|Name or service not known|Network is unreachable|Cannot connect to [a-z+]+:\/\/|Connection refused/,
    severity: 'error',
    title: 'Network timeout or unreachable endpoint',
  },
  {
    category: 'dag-import-error',
    cause:
      'The top-level code of the DAG file {1} raised an exception while the file was imported (a NameError, ImportError, KeyError, … outside any task), so none of its DAGs load.',
    confidence: 0.8,
    doc: DOC.airflow202,
    fix: [
      'Read the last line of the traceback and the frame in the DAG file: top-level code runs at every parse, on the scheduler, DAG processor and workers.',
      'Move work out of the top level (into tasks or templates), and run `python <dag file>` in aws-mwaa-docker-images to reproduce it.',
    ],
    id: 'dag-module-error',
    // A traceback frame `in <module>` of a file in a DAGs folder: the file was being imported. Last
    // of all rules: a specific cause in the same traceback (a missing Variable or module) comes first.
    keywords: ['in <module>'],
    pattern: /File "([^"]*[/]dags[/][^"]+[.]py)", line [0-9]+, in <module>/,
    severity: 'error',
    title: 'DAG file failed to import: its top-level code raised an exception',
  },
]

export const SIGNALS: readonly Signal[] = [
  {
    id: 'state-externally-set',
    keywords: ['externally set to'],
    pattern: /[Ss]tate of this instance has been externally set to ([a-z_]+)|externally set to ([a-z_]+)/,
  },
  {
    id: 'pid-mismatch',
    keywords: ['does not match the current pid'],
    pattern: /Recorded pid [0-9]+ does not match the current pid [0-9]+/,
  },
  {id: 'warm-shutdown', keywords: ['Warm shutdown'], pattern: /Warm shutdown/},
  {
    id: 'task-failed',
    keywords: ['Marking task as FAILED'],
    pattern: /Marking task as FAILED\. *dag_id=([^,]+), task_id=([^,]+)/,
  },
  {id: 'dag-run-failed', keywords: ['Marking run'], pattern: /Marking run .+ failed/},
]

/** Known chatter: suppressed before classification. */
export const NOISE: readonly NoiseRule[] = [
  {
    id: 'pip-upgrade-notice',
    keywords: ['A new release of pip', 'pip install --upgrade pip'],
    pattern: /\[notice\] A new release of pip|pip install --upgrade pip/,
  },
  {
    id: 'metric-validator',
    keywords: ['basic metric validator'],
    pattern: /The basic metric validator will be deprecated/,
  },
  {
    id: 'health-check',
    keywords: ['/health', 'ELB-HealthChecker'],
    pattern: /GET \/(api\/v[0-9]\/)?(monitor\/)?health|ELB-HealthChecker/,
  },
  {
    id: 'zombie-check-chatter',
    keywords: ['without a recent heartbeat', 'jobs without heartbeat'],
    pattern: /Finding 'running' jobs without a recent heartbeat|Failing jobs without heartbeat after/,
  },
]

/** Every literal that can start a classification: rules, signals and noise. */
export function allKeywords(): string[] {
  const set = new Set<string>()
  for (const r of RULES) for (const k of r.keywords) set.add(k)
  for (const s of SIGNALS) for (const k of s.keywords) set.add(k)
  return [...set]
}

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id)
}
