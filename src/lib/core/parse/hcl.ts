/**
 * The one HCL reader: HashiCorp's own parser (@cdktf/hcl2json, the Go parser compiled to
 * WebAssembly), shared by every flow that reads Terraform (S3 lifecycle, Step Functions). It is
 * imported on first use: loading it costs about a second of CPU, which a command reading JSON or
 * YAML must not pay.
 */
import {InputError} from '../errors.js'

/** Parse HCL into hcl2json's JSON form; a syntax error is bad input (exit 6) in the parser's own words. */
export async function parseHclFile(text: string, file: string): Promise<Record<string, unknown>> {
  const {parse} = await import('@cdktf/hcl2json')
  try {
    return (await parse(file, text)) as Record<string, unknown>
  } catch (error) {
    const message = String((error as Error).message ?? error)
      .replace(/^parse config: /, '')
      .split('\n')[0]
    throw new InputError(`${file} is not valid HCL: ${message}`, {
      suggestions: ['Fix the syntax (terraform fmt / terraform validate show the same message).'],
    })
  }
}
