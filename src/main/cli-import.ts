// `taskport import github --project <id> --integration <uuid> [--url http://127.0.0.1:3000] [--token <JWT>]`:
// runs the pull import on a taskport server and draws its progress (stderr), then prints the summary (stdout).
// The token (or TASKPORT_TOKEN) is an admin's bearer JWT; the import runs with that person's rights.
import { parseArgs } from 'node:util'

export interface ImportCliIo {
  readonly out: (line: string) => void
  /** Progress: redrawn in place on a terminal. */
  readonly progress: (line: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
}

const bar = (done: number, total: number | undefined, width = 30): string => {
  if (!total) return `[${'?'.repeat(width)}]`
  const filled = Math.min(width, Math.round((done / total) * width))
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.min(100, Math.round((done / total) * 100))}%`
}

export const runImportCli = async (args: readonly string[], io: ImportCliIo): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { project: { type: 'string' }, integration: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' } },
  })
  const token = values.token ?? io.env.TASKPORT_TOKEN
  if (positionals[0] !== 'github' || !values.project || !values.integration || !token) {
    io.out('usage: taskport import github --project <id> --integration <uuid> [--url http://127.0.0.1:3000] [--token <JWT> | TASKPORT_TOKEN]')
    return 64
  }
  const base = (values.url ?? `http://127.0.0.1:${io.env.PORT || 3000}`).replace(/\/+$/, '')
  let response: Response
  try {
    response = await fetch(`${base}/api/projects/${encodeURIComponent(values.project)}/integrations/${encodeURIComponent(values.integration)}/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'application/x-ndjson, application/json' },
    })
  } catch (error) {
    io.out(`taskport import: ${base} is unreachable (${error instanceof Error ? error.message : String(error)})`)
    return 69
  }
  const show = (summary: { created: number; skipped: number; failed: number; errors: { external_id?: string; error: string }[] }) => {
    io.out(`created ${summary.created}, skipped ${summary.skipped}, failed ${summary.failed}`)
    for (const e of summary.errors) io.out(`  ${e.external_id ?? 'GitHub'}: ${e.error}`)
    return summary.failed > 0 || summary.errors.length > 0 ? 1 : 0
  }
  if (!(response.headers.get('content-type') ?? '').includes('ndjson')) {
    const body = (await response.json()) as any
    if (!response.ok) {
      io.out(`taskport import: ${response.status} ${body.error}: ${body.detail}`)
      return 1
    }
    return show(body)
  }
  let buffer = ''
  let code = 1
  for await (const chunk of response.body ?? []) {
    buffer += Buffer.from(chunk as Uint8Array).toString('utf8')
    let newline = buffer.indexOf('\n')
    while (newline >= 0) {
      const line = JSON.parse(buffer.slice(0, newline)) as any
      buffer = buffer.slice(newline + 1)
      newline = buffer.indexOf('\n')
      if (line.progress) {
        const p = line.progress
        io.progress(`${bar(p.done, p.total)} ${p.done}${p.total ? `/${p.total}` : ''} issues (${p.created} created, ${p.skipped} skipped, ${p.failed} failed)`)
      } else if (line.summary) code = show(line.summary)
      else if (line.error) io.out(`taskport import: ${line.error.detail}`)
    }
  }
  return code
}
