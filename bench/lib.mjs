// Shared by the bench scripts: taskport started as `npm start` runs it (its own process, the flags of the start
// script), load with autocannon, and small statistics.
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import autocannon from 'autocannon'

/** The node flags of `npm start` (the heap cap), so that a bench measures what `npm start` runs. */
export const startFlags = /node (.*?)\s*dist\/main\/start\.js/.exec(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts.start)?.[1]?.split(' ').filter(Boolean) ?? []

/**
 * taskport in development mode with `env`: its URL, the printed token, its peak RSS, and a SIGTERM stop.
 * BENCH_NODE_FLAGS adds node flags (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
export const startTaskport = (env) => new Promise((resolve, reject) => {
  const extra = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []
  const child = spawn(process.execPath, [...startFlags, ...extra, 'dist/main/start.js'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const timer = setTimeout(() => reject(new Error(`taskport did not start:\n${output}`)), 120_000)
  const onData = (chunk) => {
    output += chunk.toString()
    const url = /running at (http:\/\/\S+)/.exec(output)?.[1]
    const token = /Bearer token[^\n]*\n\n(\S+)/.exec(output)?.[1]
    if (!url || !token) return
    clearTimeout(timer)
    child.stdout.off('data', onData)
    resolve({
      url: url.replace(/\/$/, ''), token, output: () => output, pid: child.pid,
      /** CPU time the process has used so far (user + system), in ms. */
      cpuMs: () => readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((a, b) => a + Number(b), 0) * 10,
      peakRssMb: () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
      stop: () => new Promise((done) => { child.once('exit', done); child.kill('SIGTERM') }),
    })
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', (c) => (output += c.toString()))
  child.once('exit', (code) => reject(new Error(`taskport exited with ${code}:\n${output}`)))
})

/** A JSON request that must succeed (2xx): its parsed body. */
export const json = async (url, { method = 'GET', token, body, headers = {} } = {}) => {
  const res = await fetch(url, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body ? { body: JSON.stringify(body) } : {}) })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text}`)
  return text ? JSON.parse(text) : null
}

export const cannon = (opts) => new Promise((resolve, reject) => autocannon(opts, (e, r) => (e ? reject(e) : resolve(r))))
export const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length
export const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

/** Replaces the block between `<!-- bench:NAME:start -->` and its end marker in docs/performance.md (or appends it under `heading`). */
export const writeBlock = (name, heading, lines) => {
  const doc = new URL('../docs/performance.md', import.meta.url)
  const text = readFileSync(doc, 'utf8')
  const start = `<!-- bench:${name}:start -->`
  const end = `<!-- bench:${name}:end -->`
  const block = `${start}\n${lines.join('\n')}\n${end}`
  writeFileSync(doc, text.includes(start) ? text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block) : `${text.trimEnd()}\n\n## ${heading}\n\n${block}\n`)
}

/**
 * Warms each target up, then measures them in `rounds` interleaved rounds (A B C A B C) with `run(opts)`: per
 * target, the mean req/s and p99 latency, and the non-2xx answers and errors of all rounds.
 */
export const interleaved = async (targets, run, rounds, warmupSeconds = 2) => {
  for (const t of targets) await run({ ...t.opts, duration: warmupSeconds })
  const runs = targets.map(() => [])
  for (let round = 0; round < rounds; round += 1) for (const [i, t] of targets.entries()) runs[i].push(await run(t.opts))
  return targets.map((t, i) => ({
    name: t.name, rps: mean(runs[i].map((r) => r.requests.average)), p99: mean(runs[i].map((r) => r.latency.p99)),
    non2xx: runs[i].reduce((n, r) => n + r.non2xx + r.errors, 0),
  }))
}

