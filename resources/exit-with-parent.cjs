// Preloaded with `node --require` into emulator processes started by pipeops: when the pipeops
// process that started them is gone (killed with SIGKILL, terminal closed), they exit too, so no
// emulator is left behind.
'use strict'
const parent = process.ppid
const timer = setInterval(() => {
  try {
    process.kill(parent, 0)
  } catch {
    process.exit(0)
  }
}, 1000)
timer.unref()
