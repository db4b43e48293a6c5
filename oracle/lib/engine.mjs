// Loads Prisma's schema engine (WebAssembly build, @prisma/schema-engine-wasm) and connects it to
// PostgreSQL through @prisma/adapter-pg, the way the Prisma 7 CLI drives it.
//
// Two things differ from simply importing the packages:
// - Node 20 cannot `import` a .wasm file, so the wasm-bindgen glue is wired by hand: instantiate
//   schema_engine_bg.wasm with schema_engine_bg.js as its import object, `__wbg_set_wasm`,
//   `__wbindgen_start`.
// - @prisma/adapter-pg 7.10 cannot decode PostgreSQL's internal `"char"` type (OID 18), which the
//   engine's catalog queries return (pg_class.relkind, pg_constraint.contype, ...): it throws
//   `UnsupportedNativeDataType` and the engine reports "Column type 'char' could not be
//   deserialized". `patchCharColumns` maps OID 18 to the driver-adapter `Character` column type.

import { readFile } from 'node:fs/promises'

import { PrismaPg } from '@prisma/adapter-pg'
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils'

import { takePanic } from './panic.mjs'

const PG_CHAR_OID = 18 // "char"
const PG_TEXT_OID = 25 // text


export class EngineError extends Error {
  constructor(message, { panic = false, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = panic ? 'EnginePanic' : 'EngineError'
    this.panic = panic
  }
}

let enginePromise = null

/** The engine package: Prisma 7's, or Prisma 6's with ORACLE_PRISMA=6 (package.json aliases it). */
const ENGINE_PACKAGE =
  process.env.ORACLE_PRISMA === '6' ? 'schema-engine-wasm-6' : '@prisma/schema-engine-wasm'

/** The SchemaEngine class of @prisma/schema-engine-wasm, loaded once. */
export function loadSchemaEngine() {
  enginePromise ??= (async () => {
    const glue = import.meta.resolve(`${ENGINE_PACKAGE}/schema_engine_bg`)
    const bg = await import(glue)
    const bytes = await readFile(new URL('schema_engine_bg.wasm', glue))
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg })
    bg.__wbg_set_wasm(instance.exports)
    instance.exports.__wbindgen_start()
    return bg
  })()
  return enginePromise
}

/**
 * Makes queryRaw report OID 18 ("char") columns as ColumnTypeEnum.Character instead of failing.
 * The adapter's own mapping is reused for every other column: it is asked about the same fields
 * with OID 18 replaced by text, then the "char" positions are overwritten.
 */
function patchCharColumns(queryable) {
  const proto = Object.getPrototypeOf(Object.getPrototypeOf(queryable)) // PgQueryable.prototype
  if (!proto || !Object.hasOwn(proto, 'queryRaw') || proto.__charPatched) return
  const original = proto.queryRaw
  proto.queryRaw = async function queryRaw(query) {
    const { fields, rows } = await this.performIO(query)
    const isChar = fields.map((f) => f.dataTypeID === PG_CHAR_OID)
    const asText = fields.map((f, i) => (isChar[i] ? { ...f, dataTypeID: PG_TEXT_OID } : f))
    const shim = { performIO: async () => ({ fields: asText, rows }), pgOptions: this.pgOptions }
    const result = await original.call(shim, query)
    result.columnTypes = result.columnTypes.map((t, i) => (isChar[i] ? ColumnTypeEnum.Character : t))
    return result
  }
  proto.__charPatched = true
}

const openAdapters = new Set()

/** A migration-aware driver adapter factory for `url`, as the CLI builds it from prisma.config.ts. */
export function pgAdapterFactory(url) {
  const factory = new PrismaPg({ connectionString: url })
  for (const method of ['connect', 'connectToShadowDb']) {
    const original = factory[method].bind(factory)
    factory[method] = async () => {
      const adapter = await original()
      patchCharColumns(adapter)
      openAdapters.add(adapter)
      return adapter
    }
  }
  return bindMigrationAwareSqlAdapterFactory(factory)
}

/** Closes the connection pools the engine opened (so that Node can exit by itself). */
export async function closeConnections() {
  const adapters = [...openAdapters]
  openAdapters.clear()
  await Promise.allSettled(adapters.map((a) => a.dispose()))
}

/** Turns whatever the engine threw into an EngineError, with the panic message when there was one. */
export function engineError(e) {
  if (e instanceof EngineError) return e
  const msg = takePanic()
  if (msg !== null) {
    return new EngineError(`Prisma schema engine panicked: ${msg}`, { panic: true, cause: e })
  }
  let text
  if (e instanceof Error) text = e.message
  else if (typeof e === 'string') text = e
  else {
    try {
      text = JSON.stringify(e, null, 2)
    } catch {
      text = String(e)
    }
  }
  if (e && typeof e === 'object' && e.code && !text.includes(e.code)) text = `${e.code}: ${text}`
  return new EngineError(`Prisma schema engine error: ${text}`, { cause: e })
}

/**
 * Starts an engine with `files` ([[path, content], ...]) as its datamodels and `url` as its
 * database. `log` receives the engine's log lines (JSON strings); by default they are dropped.
 */
export async function startEngine({ files, url, log = () => {} }) {
  const { SchemaEngine } = await loadSchemaEngine()
  try {
    const engine = await SchemaEngine.new({ datamodels: files }, log, pgAdapterFactory(url))
    return engine
  } catch (e) {
    throw engineError(e)
  }
}

/** Runs `fn(engine)` and turns engine failures (errors and panics) into EngineError. */
export async function call(fn) {
  try {
    return await fn()
  } catch (e) {
    throw engineError(e)
  }
}

/** Usage errors and the like: reported as `error: message`, exit status 2. */
export class UsageError extends Error {}

/**
 * Prints `err` to stderr and exits: 1 for an engine error, 3 for an engine panic, 2 for a usage
 * error, 1 for anything else. ORACLE_DEBUG=1 also prints the underlying error object.
 */
export function die(err) {
  let status = 1
  let text
  if (err instanceof EngineError) {
    text = err.message
    if (err.panic) status = 3
  } else if (err instanceof UsageError) {
    text = `error: ${err.message}`
    status = 2
  } else {
    text = `error: ${err?.stack ?? err}`
  }
  process.stderr.write(`${text.trimEnd()}\n`)
  if (process.env.ORACLE_DEBUG && err?.cause) console.error(err.cause)
  process.exit(status)
}
