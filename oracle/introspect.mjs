#!/usr/bin/env node
// `prisma db pull`, with Prisma's real engine (wasm) and no Prisma CLI.
//
//   node oracle/introspect.mjs --url postgresql://USER@HOST:PORT/DB --schema input.prisma
//        [--out out.prisma] [--warnings warnings.txt] [--json] [--verbose] [--timings]
//
// The input schema is what `db pull` would read from prisma/schema.prisma: it needs a generator and a
// `datasource` (provider, and `schemas = [...]` for several schemas; no `url` in Prisma 7). It is also
// the *previous* schema: `db pull` re-introspects against it, keeping its hand edits (@map/@@map
// renames, relation names, @ignore, ...). So pass a hand-edited schema.prisma as --schema to get
// re-introspection, or a bare generator+datasource file for a first pull.
//
// Output: the rendered schema (result.schema.files[].content, byte for byte what `db pull` writes)
// goes to --out, or to stdout. The engine's warnings text (what `db pull` prints after
// "Introspected N models"), followed by a newline as printing it adds, goes to --warnings (an
// empty file when there are none), or to stderr. This is the format of the corpus's
// expected.warnings.txt.
// --json prints the engine's whole result object as JSON to stdout instead (schema files, views,
// warnings). --verbose copies the engine's log lines to stderr; --timings prints how long loading the
// wasm module, starting the engine and introspecting took. Exit status: 0 ok, 1 engine error, 3 engine panic, 2 usage error.

import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'

import { call, closeConnections, die, loadSchemaEngine, startEngine, UsageError } from './lib/engine.mjs'

const USAGE = `usage: node oracle/introspect.mjs --url postgresql://... --schema input.prisma
       [--out out.prisma] [--warnings warnings.txt] [--json] [--verbose] [--timings]`

async function main() {
  let args
  try {
    args = parseArgs({
      options: {
        url: { type: 'string' },
        schema: { type: 'string' },
        out: { type: 'string' },
        warnings: { type: 'string' },
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        timings: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (e) {
    throw new UsageError(`${e.message}\n${USAGE}`)
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const url = args.url ?? process.env.DATABASE_URL
  if (!url) throw new UsageError(`--url is required (or DATABASE_URL)\n${USAGE}`)
  if (!args.schema) throw new UsageError(`--schema is required\n${USAGE}`)

  const schemaPath = args.schema
  let content
  try {
    content = await readFile(schemaPath, 'utf8')
  } catch (e) {
    throw new UsageError(`cannot read --schema ${schemaPath}: ${e.message}`)
  }
  // The CLI gives the engine the schema file's path and its directory.
  const filePath = path.resolve(schemaPath)
  const log = args.verbose ? (line) => process.stderr.write(`[engine] ${line}\n`) : undefined

  const t0 = performance.now()
  await loadSchemaEngine()
  const t1 = performance.now()
  const engine = await startEngine({ files: [[filePath, content]], url, log })
  const t2 = performance.now()
  let result
  try {
    result = await call(() =>
      engine.introspect({
        schema: { files: [{ path: filePath, content }] },
        baseDirectoryPath: path.dirname(filePath),
        force: false,
        compositeTypeDepth: -1,
        namespaces: null,
      }),
    )
  } finally {
    await closeConnections()
  }
  const t3 = performance.now()
  if (args.timings) {
    const ms = (a, b) => `${Math.round(b - a)} ms`
    process.stderr.write(
      `timings: wasm load ${ms(t0, t1)}, engine start ${ms(t1, t2)}, introspect ${ms(t2, t3)}, ` +
        `total since process start ${Math.round(performance.now())} ms\n`,
    )
  }

  if (args.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    return 0
  }

  const files = result.schema.files
  if (files.length !== 1) {
    throw new Error(`the engine returned ${files.length} schema files; use --json to see them all`)
  }
  const rendered = files[0].content
  if (args.out) await writeFile(args.out, rendered)
  else process.stdout.write(rendered)

  // The engine's text ends with a newline; like the corpus's expected.warnings.txt (the text as
  // `console.log` prints it), the file gets one more. No warnings: empty file.
  const warnings = result.warnings ? `${result.warnings}\n` : ''
  if (args.warnings) await writeFile(args.warnings, warnings)
  else process.stderr.write(warnings)
  return 0
}

main().then((status) => process.exit(status), die)
