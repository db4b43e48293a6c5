// A small line diff (LCS over the lines between the common prefix and suffix), printed in unified
// format with `context` lines around each change. Good enough for schema files of a few thousand
// lines; no dependency.

function visible(line) {
  // Make invisible differences visible: trailing whitespace, tabs, carriage returns.
  return /[ \t]$|\t|\r/.test(line) ? JSON.stringify(line) : line
}

/** Returns the edit script between arrays a and b: [{op: ' '|'-'|'+', line, ai, bi}]. */
function editScript(a, b) {
  let pre = 0
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++
  let suf = 0
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++
  const am = a.slice(pre, a.length - suf)
  const bm = b.slice(pre, b.length - suf)
  const n = am.length
  const m = bm.length
  // lcs[i][j] = LCS length of am[i..], bm[j..]
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = am[i] === bm[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
    }
  }
  const ops = []
  for (let k = 0; k < pre; k++) ops.push({ op: ' ', line: a[k], ai: k, bi: k })
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && am[i] === bm[j]) {
      ops.push({ op: ' ', line: am[i], ai: pre + i, bi: pre + j })
      i++
      j++
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push({ op: '-', line: am[i], ai: pre + i, bi: pre + j })
      i++
    } else {
      ops.push({ op: '+', line: bm[j], ai: pre + i, bi: pre + j })
      j++
    }
  }
  for (let k = 0; k < suf; k++) {
    ops.push({ op: ' ', line: a[a.length - suf + k], ai: a.length - suf + k, bi: b.length - suf + k })
  }
  return ops
}

/** Unified diff of two texts ('' when equal). */
export function unifiedDiff(aText, bText, { aName = 'a', bName = 'b', context = 3 } = {}) {
  if (aText === bText) return ''
  const split = (t) => {
    const lines = t.split('\n')
    // A final "\n" gives a last empty element: drop it, and mark a missing final newline instead.
    if (lines[lines.length - 1] === '') lines.pop()
    else lines[lines.length - 1] += '\u0000'
    return lines
  }
  const a = split(aText)
  const b = split(bText)
  const ops = editScript(a, b)
  const out = [`--- ${aName}`, `+++ ${bName}`]
  const changed = ops.map((o) => o.op !== ' ')
  let k = 0
  while (k < ops.length) {
    if (!changed[k]) {
      k++
      continue
    }
    let start = Math.max(0, k - context)
    let end = k
    // Extend the hunk while the next change is within 2*context lines.
    for (;;) {
      while (end < ops.length && changed[end]) end++
      let next = end
      while (next < ops.length && !changed[next] && next - end < 2 * context) next++
      if (next < ops.length && changed[next]) end = next
      else break
    }
    end = Math.min(ops.length, end + context)
    const hunk = ops.slice(start, end)
    const aLines = hunk.filter((o) => o.op !== '+').length
    const bLines = hunk.filter((o) => o.op !== '-').length
    out.push(`@@ -${hunk[0].ai + 1},${aLines} +${hunk[0].bi + 1},${bLines} @@`)
    for (const o of hunk) {
      if (o.line.endsWith('\u0000')) {
        out.push(`${o.op}${visible(o.line.slice(0, -1))}`, '\\ No newline at end of file')
      } else out.push(`${o.op}${visible(o.line)}`)
    }
    k = end
    start = end
  }
  return `${out.join('\n')}\n`
}
