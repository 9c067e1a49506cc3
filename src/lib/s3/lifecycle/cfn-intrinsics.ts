/**
 * Static resolution of CloudFormation intrinsic functions, as far as a template alone allows:
 * `Ref` to a parameter (a value supplied with --parameter, else its Default), `Fn::FindInMap` on
 * the template's Mappings, `Fn::Sub` / `Fn::Join` / `Fn::Select` / `Fn::Split` over known parts,
 * `Fn::If` for a given truth value of each condition (the reader checks both branches), pseudo
 * parameters as `${AWS::Region}`-style placeholders inside strings, `AWS::NoValue` as "absent".
 * Everything else (`Fn::GetAtt`, `Fn::ImportValue`, a `Ref` to a resource, macros, custom tags)
 * is an `Unresolved` value: unknown, never empty.
 */
type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A value that cannot be known before deployment; `why` reads "!GetAtt Logs.Arn". */
export class Unresolved {
  constructor(readonly why: string) {}
}

/** `!Ref AWS::NoValue`: the property is removed. */
export const NO_VALUE = Symbol('AWS::NoValue')

const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
])

export interface ResolveContext {
  /** Truth value of each condition for the variant being read. */
  conditions: ReadonlyMap<string, boolean>
  /** Names of non-AWS macros in the template's Transform: they may rewrite any literal. */
  macros?: readonly string[] | undefined
  mappings: Obj
  /** Parameters whose value this variant cannot take from the default (its conditions say otherwise). */
  notDefault?: ReadonlySet<string> | undefined
  parameters: Obj
  /** Values given on the command line or in a parameters file. */
  parameterValues: ReadonlyMap<string, string>
}

export interface Resolution {
  /** Where defaulted values came from: "parameter RetentionDays". */
  assumptions: string[]
  value: unknown
}

/** The single key of an intrinsic-function object ("Ref", "Fn::Sub", "Condition"), if it is one. */
export function intrinsicName(v: unknown): string | undefined {
  if (!isObj(v)) return undefined
  const keys = Object.keys(v)
  if (keys.length !== 1) return undefined
  const [k] = keys as [string]
  return k === 'Ref' || k === 'Condition' || k.startsWith('Fn::') || k.startsWith('!') ? k : undefined
}

/** Every condition name used by an `Fn::If` inside `v`. */
export function conditionsUsed(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) conditionsUsed(x, out)
  else if (isObj(v)) {
    const args = v['Fn::If']
    if (intrinsicName(v) === 'Fn::If' && Array.isArray(args) && typeof args[0] === 'string') out.add(args[0])
    for (const x of Object.values(v)) conditionsUsed(x, out)
  }

  return out
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v)
}

export class IntrinsicResolver {
  readonly assumptions: string[] = []

  constructor(private readonly ctx: ResolveContext) {}

  get macros(): readonly string[] {
    return this.ctx.macros ?? []
  }

  /** Resolve every intrinsic inside `v`; `NO_VALUE` members are dropped from objects and lists. */
  resolve(v: unknown): unknown {
    if (v instanceof Unresolved) return v
    if (Array.isArray(v)) return v.map((x) => this.resolve(x)).filter((x) => x !== NO_VALUE)
    if (!isObj(v)) return v
    const name = intrinsicName(v)
    if (name === undefined) {
      const out: Obj = {}
      for (const [k, x] of Object.entries(v)) {
        const r = this.resolve(x)
        if (r !== NO_VALUE) out[k] = r
      }

      return out
    }

    return this.call(name, v[name])
  }

  private call(name: string, args: unknown): unknown {
    switch (name) {
      case 'Fn::FindInMap': {
        return this.findInMap(args)
      }

      case 'Fn::If': {
        if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string')
          return new Unresolved('a malformed Fn::If')
        const truth = this.ctx.conditions.get(args[0])
        if (truth === undefined) return new Unresolved(`!If ${args[0]}`)
        return this.resolve(truth ? args[1] : args[2])
      }

      case 'Fn::Join': {
        if (!Array.isArray(args) || args.length !== 2) return new Unresolved('a malformed Fn::Join')
        const delimiter = this.resolve(args[0])
        // Pseudo parameters joined into a string stay placeholders, as in !Sub.
        const list = Array.isArray(args[1])
          ? args[1].map((x) => {
              const ref = isObj(x) && intrinsicName(x) === 'Ref' ? x.Ref : undefined
              return typeof ref === 'string' && PSEUDO.has(ref) ? `\${${ref}}` : this.resolve(x)
            })
          : this.resolve(args[1])
        if (list instanceof Unresolved) return list
        if (typeof delimiter !== 'string' || !Array.isArray(list)) return new Unresolved('!Join over a non-list')
        const bad = list.find((x) => typeof x !== 'string' && typeof x !== 'number')
        if (bad !== undefined) return bad instanceof Unresolved ? bad : new Unresolved('!Join of a non-string')
        return list.map(String).join(delimiter)
      }

      case 'Fn::Select': {
        if (!Array.isArray(args) || args.length !== 2) return new Unresolved('a malformed Fn::Select')
        const index = this.resolve(args[0])
        const list = this.resolve(args[1])
        if (index instanceof Unresolved) return index
        if (list instanceof Unresolved) return list
        const i = Number(index)
        if (!Array.isArray(list) || !Number.isInteger(i) || i < 0 || i >= list.length)
          return new Unresolved('!Select out of range')
        return list[i]
      }

      case 'Fn::Split': {
        if (!Array.isArray(args) || args.length !== 2) return new Unresolved('a malformed Fn::Split')
        const delimiter = this.resolve(args[0])
        const text = this.resolve(args[1])
        if (text instanceof Unresolved) return text
        if (typeof delimiter !== 'string' || typeof text !== 'string') return new Unresolved('!Split of a non-string')
        return text.split(delimiter)
      }

      case 'Fn::Sub': {
        return this.sub(args)
      }

      case 'Ref': {
        return typeof args === 'string' ? this.ref(args, false) : new Unresolved('a malformed Ref')
      }

      default: {
        // Fn::GetAtt, Fn::ImportValue, Fn::Transform, Fn::GetAZs, Fn::Base64, Fn::Cidr, custom tags…
        const short = name.startsWith('Fn::') ? `!${name.slice(4)}` : name
        return new Unresolved(`${short}${typeof args === 'string' ? ` ${args}` : ''}`)
      }
    }
  }

  private findInMap(args: unknown): unknown {
    if (!Array.isArray(args) || args.length < 3) return new Unresolved('a malformed Fn::FindInMap')
    const keys = args.slice(0, 3).map((a) => this.resolve(a))
    const unresolved = keys.find((k) => k instanceof Unresolved)
    if (unresolved) return unresolved
    const [map, top, second] = keys.map((k) => show(k)) as [string, string, string]
    const table = this.ctx.mappings[map]
    const row = isObj(table) ? table[top] : undefined
    const value = isObj(row) ? row[second] : undefined
    if (value !== undefined) return value
    // Fn::FindInMap's optional fourth argument (AWS::LanguageExtensions): {DefaultValue: …}.
    const fallback = args[3]
    if (isObj(fallback) && 'DefaultValue' in fallback) return this.resolve(fallback.DefaultValue)
    return new Unresolved(`!FindInMap [${map}, ${top}, ${second}] (no such entry)`)
  }

  /** A parameter or pseudo parameter; inside !Sub a pseudo parameter stays a placeholder. */
  private ref(name: string, inString: boolean): unknown {
    if (name === 'AWS::NoValue') return NO_VALUE
    if (PSEUDO.has(name)) return inString ? `\${${name}}` : new Unresolved(`!Ref ${name}`)
    const given = this.ctx.parameterValues.get(name)
    const declared = this.ctx.parameters[name]
    if (given !== undefined) return isListParameter(declared) ? given.split(',') : given
    if (!isObj(declared)) return new Unresolved(`!Ref ${name} (a resource or an undeclared name)`)
    if (this.ctx.notDefault?.has(name))
      return new Unresolved(
        `parameter ${name} (a value other than its default in this branch; pass --parameter ${name}=VALUE)`,
      )
    if (declared.Default === undefined)
      return new Unresolved(`parameter ${name} (no Default; pass --parameter ${name}=VALUE)`)
    const value = declared.Default
    this.assumptions.push(`parameter ${name}`)
    return isListParameter(declared) && typeof value === 'string' ? value.split(',') : value
  }

  private sub(args: unknown): unknown {
    const [template, vars] = Array.isArray(args) ? [args[0], args[1]] : [args, {}]
    if (typeof template !== 'string') return new Unresolved('a malformed Fn::Sub')
    const locals = isObj(vars) ? vars : {}
    let failed: undefined | Unresolved
    const text = template.replaceAll(/\$\{([^}]*)\}/g, (whole, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`
      const name = inner.trim()
      let value: unknown
      if (name in locals) value = this.resolve(locals[name])
      else if (name.includes('.') && !name.startsWith('AWS::')) value = new Unresolved(`!GetAtt ${name}`)
      else value = this.ref(name, true)
      if (value instanceof Unresolved) failed ??= value
      else if (typeof value === 'string' || typeof value === 'number') return String(value)
      else failed ??= new Unresolved(`\${${name}} in !Sub`)
      return whole
    })
    return failed ?? text
  }
}

function isListParameter(declared: unknown): boolean {
  return isObj(declared) && typeof declared.Type === 'string' && /^(CommaDelimitedList|List<)/.test(declared.Type)
}

/** Is `v` (or anything inside it) still unresolved? */
export function containsUnresolved(v: unknown): boolean {
  if (v instanceof Unresolved) return true
  if (Array.isArray(v)) return v.some((x) => containsUnresolved(x))
  if (isObj(v)) return Object.values(v).some((x) => containsUnresolved(x))
  return false
}

/** Parameters a condition depends on (through Ref and Condition). */
export function conditionParameters(name: string, conditions: Obj, seen = new Set<string>()): Set<string> {
  const out = new Set<string>()
  if (seen.has(name)) return out
  seen.add(name)
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x)
    else if (isObj(v)) {
      if (typeof v.Ref === 'string') out.add(v.Ref)
      if (typeof v.Condition === 'string')
        for (const p of conditionParameters(v.Condition, conditions, seen)) out.add(p)
      for (const x of Object.values(v)) walk(x)
    }
  }

  walk(conditions[name])
  return out
}

/** A condition's value from parameter values and defaults, or undefined when it cannot be known. */
export function evaluateCondition(
  name: string,
  conditions: Obj,
  resolver: IntrinsicResolver,
  depth = 0,
): boolean | undefined {
  if (depth > 20) return undefined
  const evaluate = (v: unknown): boolean | undefined => {
    const fn = intrinsicName(v)
    const args = fn ? (v as Obj)[fn] : undefined
    if (fn === 'Condition' && typeof args === 'string') return evaluateCondition(args, conditions, resolver, depth + 1)
    if (!Array.isArray(args)) return undefined
    if (fn === 'Fn::Equals' && args.length === 2) {
      const [a, b] = args.map((x) => resolver.resolve(x))
      if (containsUnresolved(a) || containsUnresolved(b)) return undefined
      return String(a) === String(b)
    }

    const parts = args.map((x) => evaluate(x))
    if (fn === 'Fn::Not') return parts[0] === undefined ? undefined : !parts[0]
    if (fn === 'Fn::And') return parts.includes(false) ? false : parts.includes(undefined) ? undefined : true
    if (fn === 'Fn::Or') return parts.includes(true) ? true : parts.includes(undefined) ? undefined : false
    return undefined
  }

  return evaluate(conditions[name])
}
