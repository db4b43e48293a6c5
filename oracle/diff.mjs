#!/usr/bin/env node
// `prisma migrate diff --script`, with Prisma's real engine (wasm) and no Prisma CLI.
//
//   node oracle/diff.mjs (--from-empty | --from-schema a.prisma) (--to-schema b.prisma | --to-empty)
//        --url postgresql://... [--out migration.sql] [--verbose]
//
// Prints the SQL script the engine renders (DiffResult.stdout, what `migrate diff --script` prints)
// to stdout, or writes it to --out. An empty diff is `-- This is an empty migration.` with no
// final newline. The engine needs a reachable database even for a schema-to-schema diff (it reads
// the server version); the database is not changed. The schemas give the provider and, with
// `schemas = [...]`, the namespaces. Exit status: 0 ok, 1 engine error, 3 engine panic, 2 usage.

import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'

import { call, closeConnections, die, startEngine, UsageError } from './lib/engine.mjs'

const USAGE = `usage: node oracle/diff.mjs (--from-empty | --from-schema a.prisma) (--to-schema b.prisma | --to-empty)
       --url postgresql://... [--out migration.sql] [--verbose]`

async function schemaTarget(file) {
  let content
  try {
    content = await readFile(file, 'utf8')
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${e.message}`)
  }
  const p = path.resolve(file)
  return { target: { tag: 'schemaDatamodel', files: [{ path: p, content }] }, file: [p, content] }
}

async function main() {
  let args
  try {
    args = parseArgs({
      options: {
        'from-empty': { type: 'boolean', default: false },
        'from-schema': { type: 'string' },
        'to-empty': { type: 'boolean', default: false },
        'to-schema': { type: 'string' },
        url: { type: 'string' },
        out: { type: 'string' },
        verbose: { type: 'boolean', default: false },
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
  if (Number(args['from-empty']) + Number(args['from-schema'] !== undefined) !== 1) {
    throw new UsageError(`give exactly one of --from-empty, --from-schema\n${USAGE}`)
  }
  if (Number(args['to-empty']) + Number(args['to-schema'] !== undefined) !== 1) {
    throw new UsageError(`give exactly one of --to-empty, --to-schema\n${USAGE}`)
  }
  if (args['from-empty'] && args['to-empty']) {
    throw new UsageError('at least one side must be a schema (it gives the provider)')
  }
  const url = args.url ?? process.env.DATABASE_URL
  if (!url) throw new UsageError(`--url is required (or DATABASE_URL)\n${USAGE}`)

  const from = args['from-schema'] ? await schemaTarget(args['from-schema']) : null
  const to = args['to-schema'] ? await schemaTarget(args['to-schema']) : null
  // The engine's own configuration comes from the target schema (as the CLI's schema would).
  const configFile = (to ?? from).file
  const log = args.verbose ? (line) => process.stderr.write(`[engine] ${line}\n`) : undefined

  const engine = await startEngine({ files: [configFile], url, log })
  let result
  try {
    result = await call(() =>
      engine.diff({
        from: from ? from.target : { tag: 'empty' },
        to: to ? to.target : { tag: 'empty' },
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      }),
    )
  } finally {
    await closeConnections()
  }
  const sql = result.stdout ?? ''
  if (args.out) await writeFile(args.out, sql)
  else process.stdout.write(sql)
  return 0
}

main().then((status) => process.exit(status), die)
