#!/usr/bin/env node
// `prisma db pull`, with Prisma's real engine (wasm) and no Prisma CLI.
//
//   node oracle/introspect.mjs --url postgresql://USER@HOST:PORT/DB --schema input.prisma
//        [--out out.prisma] [--warnings warnings.txt] [--json] [--verbose] [--timings]
//   node oracle/introspect.mjs --url ... --schema schema-folder/ --out-dir DIR [--warnings ...]
//
// A multi-file schema (a folder of .prisma files, read recursively as Prisma's loader does) is
// given as --schema FOLDER: the engine gets every file and the folder as its base directory, and
// returns every file (blocks back in their files, new ones in introspected.prisma); they are
// written under --out-dir at the same paths relative to the folder.
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

import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'

import { call, closeConnections, die, loadSchemaEngine, startEngine, UsageError } from './lib/engine.mjs'

const USAGE = `usage: node oracle/introspect.mjs --url postgresql://... --schema input.prisma
       [--out out.prisma] [--warnings warnings.txt] [--json] [--verbose] [--timings]
       node oracle/introspect.mjs --url postgresql://... --schema FOLDER --out-dir DIR [...]`

async function main() {
  let args
  try {
    args = parseArgs({
      options: {
        url: { type: 'string' },
        schema: { type: 'string' },
        out: { type: 'string' },
        'out-dir': { type: 'string' },
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
  // The CLI gives the engine each schema file's path and the schema's directory (the folder of
  // a multi-file schema).
  let files
  let baseDirectoryPath
  try {
    if ((await stat(schemaPath)).isDirectory()) {
      baseDirectoryPath = path.resolve(schemaPath)
      const names = (await readdir(schemaPath, { recursive: true }))
        .filter((n) => n.endsWith('.prisma'))
        .sort()
      files = []
      for (const n of names) {
        const p = path.join(baseDirectoryPath, n)
        if ((await stat(p)).isFile()) files.push([p, await readFile(p, 'utf8')])
      }
      if (!args['out-dir'] && !args.json) throw new Error('a schema folder needs --out-dir (or --json)')
    } else {
      const filePath = path.resolve(schemaPath)
      files = [[filePath, await readFile(schemaPath, 'utf8')]]
      baseDirectoryPath = path.dirname(filePath)
    }
  } catch (e) {
    throw new UsageError(`cannot read --schema ${schemaPath}: ${e.message}`)
  }
  const log = args.verbose ? (line) => process.stderr.write(`[engine] ${line}\n`) : undefined

  const t0 = performance.now()
  await loadSchemaEngine()
  const t1 = performance.now()
  const engine = await startEngine({ files, url, log })
  const t2 = performance.now()
  let result
  try {
    result = await call(() =>
      engine.introspect({
        schema: { files: files.map(([p, content]) => ({ path: p, content })) },
        baseDirectoryPath,
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

  const returned = result.schema.files
  if (args['out-dir']) {
    for (const f of returned) {
      const rel = path.relative(baseDirectoryPath, f.path)
      const out = path.join(args['out-dir'], rel)
      await mkdir(path.dirname(out), { recursive: true })
      await writeFile(out, f.content)
    }
  } else {
    if (returned.length !== 1) {
      throw new Error(`the engine returned ${returned.length} schema files; use --out-dir or --json`)
    }
    const rendered = returned[0].content
    if (args.out) await writeFile(args.out, rendered)
    else process.stdout.write(rendered)
  }

  // The engine's text ends with a newline; like the corpus's expected.warnings.txt (the text as
  // `console.log` prints it), the file gets one more. No warnings: empty file.
  const warnings = result.warnings ? `${result.warnings}\n` : ''
  if (args.warnings) await writeFile(args.warnings, warnings)
  else process.stderr.write(warnings)
  return 0
}

main().then((status) => process.exit(status), die)
