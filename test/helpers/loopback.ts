import type {Server} from 'node:http'
import type {AddressInfo} from 'node:net'

/** Listen on a free 127.0.0.1 port; `stop` drops open connections and closes the server. */
export async function serveOnLoopback(server: Server): Promise<{stop(): Promise<void>; url: string}> {
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    async stop() {
      server.closeAllConnections()
      await new Promise((resolve) => {
        server.close(resolve)
      })
    },
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  }
}
