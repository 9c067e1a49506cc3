/**
 * Starting and stopping the local emulators used by `pipeops sandbox`, the integration tests and
 * the benchmarks: kinesis-local (Kinesis), s3rver (S3) and dynalite (DynamoDB), all bound to 127.0.0.1 only.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {connect, createServer} from 'node:net'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {setTimeout as delay} from 'node:timers/promises'
import {fileURLToPath} from 'node:url'

import {ExitCode, PipeopsError} from '../core/errors.js'

const require = createRequire(import.meta.url)
const LOOPBACK_PRELOAD = fileURLToPath(new URL('../../../resources/loopback-preload.cjs', import.meta.url))
const EXIT_WITH_PARENT_PRELOAD = fileURLToPath(new URL('../../../resources/exit-with-parent.cjs', import.meta.url))

export interface EmulatorHandle {
  name: 'dynalite' | 'kinesis-local' | 's3rver'
  pid: number
  port: number
  stop(): Promise<void>
  url: string
}

export interface EmulatorOptions {
  /** Environment for the child process (PATH etc.); the launcher adds its own variables. */
  env: Readonly<Record<string, string | undefined>>
  /** Called with each line the emulator prints (for --verbose and test diagnostics). */
  onOutput?: ((line: string) => void) | undefined
  /** 0 or undefined: pick a free port. */
  port?: number | undefined
  /** Aborting it kills the emulator at once (SIGTERM), also while it is still starting. */
  signal?: AbortSignal | undefined
  startupTimeoutMs?: number
}

/** A free TCP port on 127.0.0.1 (bound and released; the tiny race is acceptable for local tools). */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export async function startKinesisLocal(
  options: EmulatorOptions & {operationDelayMs?: number; shardLimit?: number},
): Promise<EmulatorHandle> {
  const port = options.port || (await findFreePort())
  const tlsPort = await findFreePort()
  const delay = String(options.operationDelayMs ?? 500)
  const main = require.resolve('kinesis-local/main.js')
  const child = spawn(process.execPath, ['--require', LOOPBACK_PRELOAD, '--require', EXIT_WITH_PARENT_PRELOAD, main], {
    // It reads its TLS certificate (server.json) from the working directory.
    cwd: path.dirname(main),
    env: {
      ...options.env,
      CREATE_STREAM_DURATION: `${delay}ms`,
      DELETE_STREAM_DURATION: `${delay}ms`,
      KINESIS_MOCK_PLAIN_PORT: String(port),
      KINESIS_MOCK_TLS_PORT: String(tlsPort),
      LOG_LEVEL: 'WARN',
      MERGE_SHARDS_DURATION: `${delay}ms`,
      SHARD_LIMIT: String(options.shardLimit ?? 500),
      SPLIT_SHARD_DURATION: `${delay}ms`,
      UPDATE_SHARD_COUNT_DURATION: `${delay}ms`,
    },
    signal: options.signal,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return waitUntilListening('kinesis-local', child, port, options)
}

export async function startS3rver(options: EmulatorOptions & {directory?: string}): Promise<EmulatorHandle> {
  const port = options.port || (await findFreePort())
  const ownDirectory = options.directory ? undefined : await mkdtemp(path.join(tmpdir(), 'pipeops-s3rver-'))
  const directory = options.directory ?? ownDirectory!
  // s3rver's paginated listing needs the legacy OpenSSL provider on Node 17+.
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      '--require',
      EXIT_WITH_PARENT_PRELOAD,
      require.resolve('s3rver/bin/s3rver.js'),
      '--address',
      '127.0.0.1',
      '--port',
      String(port),
      '--directory',
      directory,
      '--silent',
      '--no-vhost-buckets',
    ],
    {env: {...options.env}, signal: options.signal, stdio: ['ignore', 'pipe', 'pipe']},
  )
  const handle = await waitUntilListening('s3rver', child, port, options)
  return {
    ...handle,
    async stop() {
      await handle.stop()
      if (ownDirectory) await rm(ownDirectory, {force: true, recursive: true})
    },
  }
}

/**
 * dynalite (DynamoDB, pure JavaScript): KCL lease tables for `kinesis consumers`. In memory unless
 * a directory is given (then LevelDB files there).
 */
export async function startDynalite(options: EmulatorOptions & {directory?: string}): Promise<EmulatorHandle> {
  const port = options.port || (await findFreePort())
  const child = spawn(
    process.execPath,
    [
      '--require',
      LOOPBACK_PRELOAD,
      '--require',
      EXIT_WITH_PARENT_PRELOAD,
      require.resolve('dynalite/cli.js'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--createTableMs',
      '50',
      '--deleteTableMs',
      '50',
      '--updateTableMs',
      '50',
      ...(options.directory ? ['--path', options.directory] : []),
    ],
    {env: {...options.env}, signal: options.signal, stdio: ['ignore', 'pipe', 'pipe']},
  )
  return waitUntilListening('dynalite', child, port, options)
}

async function waitUntilListening(
  name: EmulatorHandle['name'],
  child: ChildProcess,
  port: number,
  options: EmulatorOptions,
): Promise<EmulatorHandle> {
  const output: string[] = []
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue
      output.push(line)
      if (output.length > 50) output.shift()
      options.onOutput?.(line)
    }
  }

  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  let exited: null | string = null
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`
  })
  // An aborted spawn reports an AbortError here (the child is killed and its exit follows).
  child.on('error', (error) => {
    exited ??= error.message
  })
  const stop = () => stopChild(child)
  const deadline = Date.now() + (options.startupTimeoutMs ?? 60_000)
  while (Date.now() < deadline) {
    if (exited) break
    if (await canConnect(port)) {
      return {name, pid: child.pid!, port, stop, url: `http://127.0.0.1:${port}`}
    }

    await delay(100)
  }

  await stop()
  throw new PipeopsError(
    ExitCode.Usage,
    `${name} did not start on 127.0.0.1:${port} (${exited ?? 'timed out'})${output.length > 0 ? `:\n${output.slice(-10).join('\n')}` : ''}`,
    {
      code: 'EmulatorStartFailed',
      suggestions: [
        'Check that the port is free (choose another one with the port flags) and that `npm ci` installed kinesis-local and s3rver.',
      ],
    },
  )
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({host: '127.0.0.1', port})
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the process is gone. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
  })
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await gone
  clearTimeout(timer)
}
