#!/usr/bin/env node
// Checks generated schema files with Prisma's own parser/validator/formatter
// (@prisma/prisma-schema-wasm, same engine commit as the introspection engine).
//
//   node oracle/validate.mjs [--quiet] file.prisma...
//   node oracle/validate.mjs --format file.prisma...
//
// For each file: `validate` must accept it (as `prisma validate` would), and `format` must return
// it unchanged, byte for byte (what `db pull` writes is already formatted, so a generated schema
// must be a fixed point of `prisma format`). Prints one line per file, `OK path` or `FAIL path`
// followed by the validator's message or a unified diff (--- file, +++ formatted). Linter warnings
// (which do not fail a file) are printed as `  warning: ...`. Exit status 1 if any file fails,
// 2 on a usage error.
//
// --format prints the formatted text of each file instead (with a `// ==> path` line before each
// when there are several) and always exits 0 unless a file cannot be read.

import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'

import { format, lintWarnings, validate } from './lib/schema.mjs'
import { unifiedDiff } from './lib/textdiff.mjs'

const USAGE = 'usage: node oracle/validate.mjs [--format] [--quiet] file.prisma...'

function usage(msg) {
  process.stderr.write(`error: ${msg}\n${USAGE}\n`)
  process.exit(2)
}

async function main() {
  let parsed
  try {
    parsed = parseArgs({
      options: {
        format: { type: 'boolean', default: false },
        quiet: { type: 'boolean', short: 'q', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    })
  } catch (e) {
    usage(e.message)
  }
  const { values: args, positionals: files } = parsed
  if (args.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  if (files.length === 0) usage('no schema file given')

  if (args.format) {
    for (const file of files) {
      const text = await readFile(file, 'utf8')
      if (files.length > 1) process.stdout.write(`// ==> ${file}\n`)
      process.stdout.write(format(path.basename(file), text))
    }
    return 0
  }

  let failures = 0
  for (const file of files) {
    let text
    try {
      text = await readFile(file, 'utf8')
    } catch (e) {
      failures++
      process.stdout.write(`FAIL ${file}\n  cannot read: ${e.message}\n`)
      continue
    }
    const name = path.basename(file)
    const problems = []
    const invalid = validate(name, text)
    if (invalid) {
      problems.push(`  validate: ${invalid.code ?? 'error'}\n${indent(invalid.message)}`)
    }
    const formatted = format(name, text)
    if (formatted !== text) {
      const diff = unifiedDiff(text, formatted, { aName: file, bName: `${file} (formatted)` })
      problems.push(`  not a fixed point of prisma format:\n${indent(diff)}`)
    }
    const warnings = args.quiet ? [] : lintWarnings(name, text)
    if (problems.length) {
      failures++
      process.stdout.write(`FAIL ${file}\n${problems.join('\n')}\n`)
    } else if (!args.quiet || warnings.length) {
      process.stdout.write(`OK ${file}\n`)
    }
    for (const w of warnings) process.stdout.write(`  warning: ${w.text}\n`)
  }
  if (files.length > 1) {
    process.stdout.write(`${files.length - failures} ok, ${failures} failed\n`)
  }
  return failures ? 1 : 0
}

function indent(text) {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')
}

main().then(
  (status) => process.exit(status),
  (e) => {
    process.stderr.write(`error: ${e?.message ?? e}\n`)
    process.exit(e?.panic ? 3 : 1)
  },
)
