/**
 * Static evaluation of the Terraform expressions that lifecycle rules use, over what a file alone
 * tells: literals, `var.*` (a --var / .tfvars value, else the variable's default), `local.*`, the
 * iterator of a `dynamic` block, index and attribute access, `lookup()`, `try()`, conditionals
 * whose condition is known, and string templates over known parts. Anything else (a resource
 * attribute, a data source, an unknown function) is `unknownValue`: never empty, never a guess.
 * The HCL itself is parsed by HashiCorp's parser (@cdktf/hcl2json), which hands expressions over
 * as `${…}` strings.
 */
export class TfUnknown {
  constructor(readonly why: string) {}
}

export interface TfScope {
  /** `rule.value`, `each.value`…: the iterators of the dynamic blocks being expanded. */
  iterators: ReadonlyMap<string, {key: unknown; value: unknown}>
  locals: Readonly<Record<string, unknown>>
  variables: Readonly<Record<string, unknown>>
  /** Values given with --var / --var-file. */
  varValues: ReadonlyMap<string, unknown>
}

export interface TfEvaluation {
  /** Where defaulted values came from: "variable retention_days". */
  assumptions: string[]
  value: unknown
}

type Token = {kind: 'name' | 'num' | 'op' | 'str'; text: string}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function tokenize(src: string): Token[] | undefined {
  const out: Token[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]!
    if (/\s/.test(c)) {
      i++
    } else if (c === '"') {
      let j = i + 1
      let text = ''
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\') {
          const n = src[j + 1]
          text += n === 'n' ? '\n' : n === 't' ? '\t' : (n ?? '')
          j += 2
        } else if (src[j] === '$' && src[j + 1] === '{') {
          return undefined // a template inside an expression: not evaluated
        } else {
          text += src[j]
          j++
        }
      }

      if (j >= src.length) return undefined
      out.push({kind: 'str', text})
      i = j + 1
    } else if (/\d/.test(c)) {
      const m = /^\d+(\.\d+)?/.exec(src.slice(i))!
      out.push({kind: 'num', text: m[0]})
      i += m[0].length
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[\w-]+/.exec(src.slice(i))!
      out.push({kind: 'name', text: m[0]})
      i += m[0].length
    } else {
      const two = src.slice(i, i + 2)
      if (['!=', '&&', '<=', '==', '>=', '||'].includes(two)) {
        out.push({kind: 'op', text: two})
        i += 2
      } else if ('()[]{}.,?:!<>+-*/%='.includes(c)) {
        out.push({kind: 'op', text: c})
        i++
      } else return undefined
    }
  }

  return out
}

class Parser {
  private pos = 0

  constructor(
    private readonly tokens: Token[],
    private readonly scope: TfScope,
    private readonly assumptions: string[],
  ) {}

  parseAll(): unknown {
    const v = this.conditional()
    return this.pos === this.tokens.length ? v : new TfUnknown('an expression pipeops does not evaluate')
  }

  private accessors(base: unknown, label: string): unknown {
    let v = base
    let name = label
    for (;;) {
      if (this.eat('.')) {
        const t = this.next()
        if (!t || (t.kind !== 'name' && t.kind !== 'num')) return new TfUnknown(`${name}.?`)
        name += `.${t.text}`
        v = v instanceof TfUnknown ? v : index(v, t.text, name)
      } else if (this.peek('[')) {
        this.pos++
        const key = this.conditional()
        if (!this.eat(']')) return new TfUnknown(`${name}[…]`)
        name += `[${JSON.stringify(key)}]`
        v = v instanceof TfUnknown ? v : key instanceof TfUnknown ? key : index(v, key, name)
      } else return v
    }
  }

  /** `a + b`, `a * b`…: plain number arithmetic, left to right within each precedence level. */
  private arithmetic(level: 0 | 1 = 0): unknown {
    const ops = level === 0 ? ['+', '-'] : ['%', '*', '/']
    let left = level === 0 ? this.arithmetic(1) : this.primary()
    for (;;) {
      const op = this.tokens[this.pos]
      if (!op || op.kind !== 'op' || !ops.includes(op.text)) return left
      this.pos++
      const right = level === 0 ? this.arithmetic(1) : this.primary()
      if (left instanceof TfUnknown) continue
      if (right instanceof TfUnknown || typeof left !== 'number' || typeof right !== 'number') {
        left = right instanceof TfUnknown ? right : new TfUnknown(`arithmetic on ${JSON.stringify(left)}`)
        continue
      }

      left =
        op.text === '+'
          ? left + right
          : op.text === '-'
            ? left - right
            : op.text === '*'
              ? left * right
              : op.text === '/'
                ? left / right
                : left % right
    }
  }

  private call(name: string): unknown {
    const args: unknown[] = []
    if (!this.eat(')')) {
      do args.push(this.conditional())
      while (this.eat(','))
      if (!this.eat(')')) return new TfUnknown(`${name}(…)`)
    }

    if (name === 'try') return args.find((a) => !(a instanceof TfUnknown)) ?? new TfUnknown('try(…)')
    if (name === 'lookup' && (args.length === 2 || args.length === 3)) {
      const [map, key, fallback] = args
      if (map instanceof TfUnknown) return map
      if (key instanceof TfUnknown) return key
      if (isObj(map) && typeof key === 'string' && key in map) return map[key]
      return args.length === 3 ? fallback : new TfUnknown(`lookup(…, ${JSON.stringify(key)})`)
    }

    if ((name === 'max' || name === 'min') && args.length > 0) {
      const unknown = args.find((a) => a instanceof TfUnknown)
      if (unknown) return unknown
      if (!args.every((a) => typeof a === 'number')) return new TfUnknown(`${name}(…)`)
      return name === 'max' ? Math.max(...(args as number[])) : Math.min(...(args as number[]))
    }

    if (name === 'tostring' || name === 'tonumber') {
      const [v] = args
      if (v instanceof TfUnknown) return v
      if (name === 'tonumber') return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
      return typeof v === 'number' ? String(v) : v
    }

    return new TfUnknown(`${name}(…)`)
  }

  private comparison(): unknown {
    const left = this.arithmetic()
    const op = this.tokens[this.pos]
    if (!op || op.kind !== 'op' || !['!=', '=='].includes(op.text)) return left
    this.pos++
    const right = this.arithmetic()
    if (left instanceof TfUnknown) return left
    if (right instanceof TfUnknown) return right
    const same = JSON.stringify(left) === JSON.stringify(right)
    return op.text === '==' ? same : !same
  }

  private conditional(): unknown {
    const cond = this.comparison()
    if (!this.eat('?')) return cond
    const yes = this.conditional()
    if (!this.eat(':')) return new TfUnknown('a malformed conditional')
    const no = this.conditional()
    if (cond instanceof TfUnknown) return new TfUnknown(`a condition on ${cond.why}`)
    if (typeof cond !== 'boolean') return new TfUnknown('a non-boolean condition')
    return cond ? yes : no
  }

  private eat(text: string): boolean {
    if (this.peek(text)) {
      this.pos++
      return true
    }

    return false
  }

  private local(name: string): unknown {
    if (!(name in this.scope.locals)) return new TfUnknown(`local.${name} (not declared in this file)`)
    return evaluateTf(this.scope.locals[name], this.scope, this.assumptions)
  }

  private next(): Token | undefined {
    return this.tokens[this.pos++]
  }

  private object(): unknown {
    const out: Record<string, unknown> = {}
    while (!this.eat('}')) {
      const k = this.next()
      if (!k || (k.kind !== 'name' && k.kind !== 'str')) return new TfUnknown('an object expression')
      if (!this.eat('=') && !this.eat(':')) return new TfUnknown('an object expression')
      out[k.text] = this.conditional()
      this.eat(',')
    }

    return out
  }

  private peek(text: string): boolean {
    const t = this.tokens[this.pos]
    return t !== undefined && t.kind === 'op' && t.text === text
  }

  private primary(): unknown {
    const t = this.next()
    if (!t) return new TfUnknown('an empty expression')
    if (t.kind === 'num') return Number(t.text)
    if (t.kind === 'str') return this.accessors(t.text, JSON.stringify(t.text))
    if (t.kind === 'op') {
      if (t.text === '(') {
        const v = this.conditional()
        return this.eat(')') ? this.accessors(v, '(…)') : new TfUnknown('(…')
      }

      if (t.text === '[') return this.tuple()
      if (t.text === '{') return this.object()
      if (t.text === '-') {
        const v = this.primary()
        return typeof v === 'number' ? -v : new TfUnknown('-…')
      }

      return new TfUnknown(`"${t.text}"`)
    }

    if (t.text === 'true') return true
    if (t.text === 'false') return false
    if (t.text === 'null') return null
    if (this.eat('(')) return this.call(t.text)
    return this.accessors(this.root(t.text), t.text)
  }

  /** The value a root name (var, local, an iterator) starts a traversal from. */
  private root(name: string): unknown {
    if (name === 'var' || name === 'local') {
      if (!this.eat('.')) return new TfUnknown(name)
      const t = this.next()
      if (!t || t.kind !== 'name') return new TfUnknown(`${name}.?`)
      return name === 'var' ? this.variable(t.text) : this.local(t.text)
    }

    const iterator = this.scope.iterators.get(name)
    if (iterator) return iterator
    return new TfUnknown(name)
  }

  private tuple(): unknown {
    const out: unknown[] = []
    while (!this.eat(']')) {
      out.push(this.conditional())
      this.eat(',')
      if (this.pos >= this.tokens.length) return new TfUnknown('a tuple')
    }

    return out
  }

  private variable(name: string): unknown {
    if (this.scope.varValues.has(name)) return this.scope.varValues.get(name)
    const declared = this.scope.variables[name]
    if (!isObj(declared)) return new TfUnknown(`var.${name} (not declared in this file; pass --var ${name}=VALUE)`)
    if (declared.default === undefined)
      return new TfUnknown(`var.${name} (no default; pass --var ${name}=VALUE or --var-file)`)
    const value = evaluateTf(declared.default, this.scope, this.assumptions)
    this.assumptions.push(`variable ${name}`)
    return value
  }
}

function index(v: unknown, key: unknown, name: string): unknown {
  if (Array.isArray(v) && typeof key === 'number') return key < v.length ? v[key] : new TfUnknown(name)
  if (Array.isArray(v) && typeof key === 'string' && /^\d+$/.test(key)) return index(v, Number(key), name)
  if (isObj(v) && typeof key === 'string') return key in v ? v[key] : new TfUnknown(`${name} (no such key)`)
  return new TfUnknown(name)
}

function evaluateExpression(src: string, scope: TfScope, assumptions: string[]): unknown {
  const tokens = tokenize(src)
  if (!tokens) return new TfUnknown(`\${${src}}`)
  const value = new Parser(tokens, scope, assumptions).parseAll()
  return value instanceof TfUnknown && value.why === 'an expression pipeops does not evaluate'
    ? new TfUnknown(src.length > 60 ? `${src.slice(0, 57)}…` : src)
    : value
}

/** Evaluate a value from hcl2json: `${…}` strings are expressions, other strings are literal. */
export function evaluateTf(value: unknown, scope: TfScope, assumptions: string[] = []): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([\s\S]*)\}$/.exec(value)
    if (whole && !whole[1]!.includes('${')) return evaluateExpression(whole[1]!, scope, assumptions)
    if (value.includes('%{')) return new TfUnknown('a template directive')
    let failed: TfUnknown | undefined
    const text = value.replaceAll(/\$\{([^}]*)\}/g, (_m, expr: string) => {
      const v = evaluateExpression(expr, scope, assumptions)
      if (v instanceof TfUnknown) failed ??= v
      else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v)
      else failed ??= new TfUnknown(`\${${expr}}`)
      return ''
    })
    return failed ?? text
  }

  if (Array.isArray(value)) return value.map((v) => evaluateTf(v, scope, assumptions))
  if (isObj(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = evaluateTf(v, scope, assumptions)
    return out
  }

  return value
}

export function containsTfUnknown(v: unknown): TfUnknown | undefined {
  if (v instanceof TfUnknown) return v
  if (Array.isArray(v)) {
    for (const x of v) {
      const u = containsTfUnknown(x)
      if (u) return u
    }
  } else if (isObj(v)) {
    for (const x of Object.values(v)) {
      const u = containsTfUnknown(x)
      if (u) return u
    }
  }

  return undefined
}
