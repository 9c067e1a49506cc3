// Preloaded with `node --require` into local emulators that bind 0.0.0.0 by themselves
// (kinesis-local hard-codes it). Rewrites the host of every net.Server#listen call to 127.0.0.1
// so that no emulator is reachable from outside this machine.
'use strict'
const net = require('node:net')

const LOOPBACK = '127.0.0.1'
const originalListen = net.Server.prototype.listen

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0]
  if (first !== null && typeof first === 'object' && !Array.isArray(first) && first.path === undefined && first.fd === undefined && first.handle === undefined && !(first instanceof net.Server)) {
    args[0] = {...first, host: LOOPBACK}
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] === 'string') args[1] = LOOPBACK
    else args.splice(1, 0, LOOPBACK)
  }

  return originalListen.apply(this, args)
}
