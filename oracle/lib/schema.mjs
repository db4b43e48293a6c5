// Prisma's schema parser, validator and formatter (@prisma/prisma-schema-wasm, the same engine
// commit as @prisma/schema-engine-wasm). The package is CommonJS and loads its wasm by itself.

import { createRequire } from 'node:module'

import { takePanic } from './panic.mjs'

const require = createRequire(import.meta.url)


let wasm = null
function psw() {
  wasm ??= require(
    process.env.ORACLE_PRISMA === '6' ? 'prisma-schema-wasm-6' : '@prisma/prisma-schema-wasm',
  )
  return wasm
}

function rethrow(e) {
  const msg = takePanic()
  if (msg !== null) {
    const err = new Error(`prisma-schema-wasm panicked: ${msg}`)
    err.panic = true
    throw err
  }
  throw e
}

const FORMAT_PARAMS = JSON.stringify({
  textDocument: { uri: 'file:/dev/null' },
  options: { tabSize: 2, insertSpaces: true },
})

/** `prisma format` of one file's text, as the CLI and the language server do it. */
export function format(fileName, text) {
  let out
  try {
    out = psw().format(JSON.stringify([[fileName, text]]), FORMAT_PARAMS)
  } catch (e) {
    rethrow(e)
  }
  const files = JSON.parse(out)
  return files[0][1]
}

/**
 * `prisma validate` of one file: null when valid, otherwise { code, message } (message without
 * colors, with the file name and the offending lines, as the CLI prints it).
 */
export function validate(fileName, text) {
  try {
    psw().validate(JSON.stringify({ prismaSchema: [[fileName, text]], noColor: true }))
    return null
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) rethrow(e)
    let parsed
    try {
      parsed = JSON.parse(e.message)
    } catch {
      return { code: null, message: String(e.message ?? e) }
    }
    return { code: parsed.error_code ?? null, message: parsed.message ?? e.message }
  }
}

/** The linter's diagnostics that are warnings (errors are what `validate` reports). */
export function lintWarnings(fileName, text) {
  let out
  try {
    out = psw().lint(JSON.stringify([[fileName, text]]))
  } catch (e) {
    rethrow(e)
  }
  return JSON.parse(out).filter((d) => d.is_warning)
}

/** The version string of the schema engine line both wasm packages come from. */
export function packageVersion() {
  return require('@prisma/prisma-schema-wasm/package.json').version
}
