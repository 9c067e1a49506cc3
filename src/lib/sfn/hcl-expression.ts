/**
 * Evaluates the literal part of one HCL expression, as Terraform writes a state machine's
 * `definition`: `jsonencode({...})` of object and tuple constructors, strings, numbers, booleans
 * and null; `templatefile(path, {vars})` and `file(path)` (read through the caller). References
 * (`aws_lambda_function.f.arn`), string interpolations, operators, conditionals and `for`
 * expressions cannot be known offline: they become unknown `${…}` placeholders.
 *
 * Hand-written because no npm library evaluates HCL expressions: @cdktf/hcl2json (used for the
 * file's blocks) returns any non-literal attribute as its source text, which is where this starts.
 */

export type HclExpressionValue =
  boolean | HclExpressionValue[] | null | number | string | {[k: string]: HclExpressionValue}

export interface HclCall {
  args: HclExpressionValue[]
  name: string
}

export interface HclEvaluation {
  /** A call this evaluator does not run itself (templatefile, file) at the top of the expression. */
  call?: HclCall
  value?: HclExpressionValue
}

interface Token {
  kind: 'heredoc' | 'ident' | 'nl' | 'num' | 'op' | 'punct' | 'str'
  /** Source text of the token (for unknown placeholders). */
  text: string
  /** Decoded value of a string or heredoc: the template with `${…}` kept. */
  value: string
}

export class HclExpressionError extends Error {}

function readQuoted(src: string, start: number): {end: number; value: string} {
  let i = start + 1
  let value = ''
  let depth = 0
  while (i < src.length) {
    const c = src[i]!
    if (depth === 0 && c === '"') return {end: i + 1, value}
    if (c === '\\' && depth === 0) {
      const n = src[i + 1] ?? ''
      const map: Record<string, string> = {'"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t'}
      if (n === 'u') {
        value += String.fromCodePoint(Number.parseInt(src.slice(i + 2, i + 6), 16))
        i += 6
        continue
      }

      value += map[n] ?? n
      i += 2
      continue
    }

    if ((c === '$' || c === '%') && src[i + 1] === '{' && src[i - 1] !== c) depth++
    else if (c === '}' && depth > 0) depth--
    value += c
    i++
  }

  throw new HclExpressionError('unterminated string')
}

function tokenize(src: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]!
    if (c === '\n') {
      out.push({kind: 'nl', text: c, value: c})
      i++
    } else if (/\s/.test(c)) i++
    else if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      while (i < src.length && src[i] !== '\n') i++
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2)
      i = end === -1 ? src.length : end + 2
    } else if (c === '"') {
      const {end, value} = readQuoted(src, i)
      out.push({kind: 'str', text: src.slice(i, end), value})
      i = end
    } else if (c === '<' && src[i + 1] === '<') {
      const m = /^<<(-?)([A-Za-z_]\w*)\r?\n/.exec(src.slice(i))
      if (!m) throw new HclExpressionError('malformed heredoc')
      const bodyStart = i + m[0].length
      const close = new RegExp(`^[ \\t]*${m[2]}[ \\t]*$`, 'm')
      const rest = src.slice(bodyStart)
      const found = close.exec(rest)
      if (!found) throw new HclExpressionError(`heredoc ${m[2]} is not closed`)
      let body = rest.slice(0, found.index)
      if (m[1] === '-') {
        const lines = body.split('\n')
        const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length))
        body = lines.map((l) => l.slice(indent)).join('\n')
      }

      const end = bodyStart + found.index + found[0].length
      out.push({kind: 'heredoc', text: src.slice(i, end), value: body})
      i = end
    } else if (/\d/.test(c)) {
      const m = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(i))!
      out.push({kind: 'num', text: m[0], value: m[0]})
      i += m[0].length
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w-]*(::[A-Za-z_][\w-]*)*/.exec(src.slice(i))!
      out.push({kind: 'ident', text: m[0], value: m[0]})
      i += m[0].length
    } else if ('{}[](),=:.'.includes(c) && !(c === '=' && src[i + 1] === '=')) {
      out.push({kind: 'punct', text: c, value: c})
      i++
    } else {
      const m = /^(==|!=|<=|>=|&&|\|\||=>|\.\.\.|[-+*/%<>!?])/.exec(src.slice(i))
      if (!m) throw new HclExpressionError(`unexpected character "${c}"`)
      out.push({kind: 'op', text: m[0], value: m[0]})
      i += m[0].length
    }
  }

  return out
}

const unknown = (text: string): string => `\${${text.replaceAll(/\s+/g, ' ').replaceAll(/[{}]/g, '').trim()}}`

const isPunct = (t: Token | undefined, v: string): boolean => t?.kind === 'punct' && t.value === v

export function evaluateHclExpression(src: string): HclEvaluation {
  const tokens = tokenize(src)
  let pos = 0
  const peek = (): Token | undefined => tokens[pos]
  const skipNl = (): void => {
    while (peek()?.kind === 'nl') pos++
  }

  /** Skip to the end of the current item (a separator or a closing bracket at depth 0), returning its text. */
  const restOfItem = (startText: string): string => {
    let depth = 0
    let text = startText
    while (pos < tokens.length) {
      const t = peek()!
      if (depth === 0 && (t.kind === 'nl' || isPunct(t, ',') || isPunct(t, '}') || isPunct(t, ']') || isPunct(t, ')')))
        break
      if (t.kind === 'punct' && '{[('.includes(t.value)) depth++
      if (t.kind === 'punct' && '}])'.includes(t.value)) depth--
      text += ` ${t.text}`
      pos++
    }

    return text
  }

  const primary = (): {call?: HclCall; text: string; value: HclExpressionValue} => {
    skipNl()
    const t = tokens[pos++]
    if (!t) throw new HclExpressionError('unexpected end of expression')
    if (t.kind === 'str' || t.kind === 'heredoc') return {text: t.text, value: t.value}
    if (t.kind === 'num') return {text: t.text, value: Number(t.value)}
    if (t.kind === 'op' && t.value === '-' && peek()?.kind === 'num') {
      const n = tokens[pos++]!
      return {text: `-${n.text}`, value: -Number(n.value)}
    }

    if (isPunct(t, '{')) return objectConstructor()
    if (isPunct(t, '[')) return tupleConstructor()
    if (isPunct(t, '(')) {
      const inner = expression()
      skipNl()
      if (!isPunct(tokens[pos++], ')')) throw new HclExpressionError('expected ")"')
      return inner
    }

    if (t.kind === 'ident') {
      if (t.value === 'true' || t.value === 'false') return {text: t.text, value: t.value === 'true'}
      if (t.value === 'null') return {text: t.text, value: null}
      if (isPunct(peek(), '(')) {
        pos++
        const args: HclExpressionValue[] = []
        const texts: string[] = []
        skipNl()
        while (!isPunct(peek(), ')')) {
          const arg = expression()
          args.push(arg.value)
          texts.push(arg.text)
          skipNl()
          if (isPunct(peek(), ',')) pos++
          else if (peek()?.kind === 'op' && peek()!.value === '...') pos++
          skipNl()
          if (pos >= tokens.length) throw new HclExpressionError(`call of ${t.value} is not closed`)
        }

        pos++
        const text = `${t.value}(${texts.join(', ')})`
        if (t.value === 'jsonencode' && args.length === 1) {
          return {
            text,
            value: containsUnknown(args[0]!) && typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0]),
          }
        }

        return {call: {args, name: t.value}, text, value: unknown(text)}
      }

      // A reference: resource.name.attr, var.x, local.y[0], each.value, with index and splat steps.
      let text = t.value
      for (;;) {
        const n = peek()
        if (isPunct(n, '.') && tokens[pos + 1]?.kind === 'ident') {
          text += `.${tokens[pos + 1]!.value}`
          pos += 2
        } else if (isPunct(n, '.') && tokens[pos + 1]?.kind === 'num') {
          text += `.${tokens[pos + 1]!.value}`
          pos += 2
        } else if (isPunct(n, '[')) {
          pos++
          const index = expression()
          if (!isPunct(tokens[pos++], ']')) throw new HclExpressionError('expected "]"')
          text += `[${index.text}]`
        } else if (isPunct(n, '.') && tokens[pos + 1]?.kind === 'op' && tokens[pos + 1]!.value === '*') {
          text += '.*'
          pos += 2
        } else break
      }

      return {text, value: unknown(text)}
    }

    throw new HclExpressionError(`unexpected "${t.text}"`)
  }

  const expression = (): {call?: HclCall; text: string; value: HclExpressionValue} => {
    const first = primary()
    const n = peek()
    if (n?.kind === 'op' && n.value !== '...') {
      // Operators and conditionals are evaluated by Terraform; the value is unknown here.
      const text = restOfItem(first.text)
      return {text, value: unknown(text)}
    }

    return first
  }

  const objectConstructor = (): {text: string; value: HclExpressionValue} => {
    skipNl()
    if (peek()?.kind === 'ident' && peek()!.value === 'for') {
      const text = restOfItem('{for')
      pos++
      return {text, value: unknown(text)}
    }

    const value: Record<string, HclExpressionValue> = {}
    for (;;) {
      skipNl()
      if (isPunct(peek(), '}')) {
        pos++
        break
      }

      const keyToken = tokens[pos]
      let key: string
      if (keyToken?.kind === 'ident' || keyToken?.kind === 'str') {
        key = keyToken.value
        pos++
      } else if (isPunct(keyToken, '(')) {
        const k = primary()
        key = typeof k.value === 'string' ? k.value : k.text
      } else throw new HclExpressionError(`expected an object key, found "${keyToken?.text ?? 'end'}"`)
      const eq = tokens[pos++]
      if (!isPunct(eq, '=') && !isPunct(eq, ':')) throw new HclExpressionError(`expected "=" after key "${key}"`)
      value[key] = expression().value
      skipNl()
      if (isPunct(peek(), ',')) pos++
    }

    return {text: '{…}', value}
  }

  const tupleConstructor = (): {text: string; value: HclExpressionValue} => {
    skipNl()
    if (peek()?.kind === 'ident' && peek()!.value === 'for') {
      const text = restOfItem('[for')
      pos++
      return {text, value: unknown(text)}
    }

    const value: HclExpressionValue[] = []
    for (;;) {
      skipNl()
      if (isPunct(peek(), ']')) {
        pos++
        break
      }

      value.push(expression().value)
      skipNl()
      if (isPunct(peek(), ',')) pos++
      if (pos >= tokens.length) throw new HclExpressionError('tuple is not closed')
    }

    return {text: '[…]', value}
  }

  const result = expression()
  skipNl()
  if (pos < tokens.length) throw new HclExpressionError(`unexpected "${tokens[pos]!.text}" after the expression`)
  return result.call ? {call: result.call} : {value: result.value}
}

function containsUnknown(value: HclExpressionValue): boolean {
  return typeof value === 'string' && /^\$\{[^}]*\}$/.test(value)
}
