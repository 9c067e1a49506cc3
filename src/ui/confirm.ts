import {createInterface} from 'node:readline'

/** Ask a yes/no question on the terminal (stderr), default no. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({input: process.stdin, output: process.stderr})
  return new Promise((resolve) => {
    rl.question(`${question} [y/N] `, (answer) => {
      rl.close()
      resolve(/^y(es)?$/i.test(answer.trim()))
    })
  })
}

/** Ask for one line on the terminal (stderr), e.g. an MFA code. */
export async function askLine(question: string): Promise<string> {
  const rl = createInterface({input: process.stdin, output: process.stderr})
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close()
      resolve(answer.trim())
    })
  })
}
