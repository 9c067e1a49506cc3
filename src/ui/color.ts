/** Colour only for a human at a terminal: not with --no-color, NO_COLOR, or when stdout is piped. */
export function shouldUseColor(input: {
  env: Readonly<Record<string, string | undefined>>
  flag: boolean
  isTTY: boolean
}): boolean {
  if (!input.flag) return false
  if (input.env.NO_COLOR !== undefined && input.env.NO_COLOR !== '') return false
  if (input.env.FORCE_COLOR !== undefined && input.env.FORCE_COLOR !== '0') return true
  return input.isTTY
}

let colorEnabled = false

/** Set once by BaseCommand after parsing; renderers read it through the helpers below. */
export function setColorEnabled(enabled: boolean): void {
  colorEnabled = enabled
}

export function isColorEnabled(): boolean {
  return colorEnabled
}

const CODES = {bold: [1, 22], cyan: [36, 39], dim: [2, 22], green: [32, 39], red: [31, 39], yellow: [33, 39]} as const

export type ColorName = keyof typeof CODES

export function paint(color: ColorName, text: string): string {
  if (!colorEnabled) return text
  const [open, close] = CODES[color]
  return `\u001B[${open}m${text}\u001B[${close}m`
}
