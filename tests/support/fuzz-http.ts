// Generators and checks for fuzzing the HTTP API with fast-check: hostile values, broken bodies, the contract's
// error shape, and a fingerprint of every table (to prove that a refused request wrote nothing).
import fc from 'fast-check'
import * as assert from 'uvu/assert'
import type { ApiServer } from './http.js'

/** The error codes of the contract's table (API.md, "Errors"). */
const ERROR_CODES = new Set([
  'validation_error', 'domain_rule_violation', 'invalid_transition', 'unauthorized', 'forbidden', 'not_found',
  'method_not_allowed', 'conflict', 'precondition_failed', 'payload_too_large', 'unsupported_media_type', 'idempotency_key_reused', 'rate_limited', 'service_unavailable', 'internal_error',
])

export interface Answer {
  readonly status: number
  readonly text: string
  readonly headers: Headers
}

/** One request with raw bytes, any content type and any headers (`api.call` always sends JSON). */
export const send = async (api: ApiServer, method: string, path: string, options: { body?: Uint8Array | string; headers?: Record<string, string> } = {}): Promise<Answer> => {
  const response = await fetch(`${api.base}${path}`, { method, headers: options.headers ?? {}, ...(options.body !== undefined ? { body: options.body } : {}) })
  return { status: response.status, text: await response.text(), headers: response.headers }
}

/** A refusal as the contract describes it: a 4xx, JSON, exactly the contract's keys, `status_code` = the status. */
export const expectRefusal = (answer: Answer, label: string, statuses?: readonly number[]): any => {
  const why = `${label} -> ${answer.status} ${answer.text.slice(0, 300)}`
  assert.ok(answer.status >= 400 && answer.status < 500, `a 4xx: ${why}`)
  if (statuses) assert.ok(statuses.includes(answer.status), `one of ${statuses.join(', ')}: ${why}`)
  assert.match(answer.headers.get('content-type') ?? '', /^application\/json/, `JSON: ${why}`)
  const body = JSON.parse(answer.text)
  expectErrorBody(body, why)
  assert.is(body.status_code, answer.status, `status_code: ${why}`)
  return body
}

/** The contract's error body (API.md, "Errors"): exactly its keys, one of its codes, a 4xx, a detail without a stack. */
export const expectErrorBody = (body: any, why: string): void => {
  assert.ok(typeof body === 'object' && body !== null, `an error body: ${why}`)
  const keys = Object.keys(body).sort()
  const expected = ['detail', 'error', 'status_code', ...(body.error === 'validation_error' ? ['errors'] : []), ...(body.error === 'invalid_transition' ? ['allowed'] : [])].sort()
  assert.equal(keys, expected, `the error shape: ${why}`)
  assert.ok(ERROR_CODES.has(body.error), `a contract error code: ${why}`)
  assert.ok(Number.isInteger(body.status_code) && body.status_code >= 400 && body.status_code < 500, `a 4xx status_code: ${why}`)
  assert.type(body.detail, 'string')
  assert.ok(body.detail.length > 0, `a detail: ${why}`)
  assert.not.match(body.detail, /\n\s+at |\.[jt]s:\d+/, `no stack trace: ${why}`)
  if (body.errors !== undefined) {
    assert.ok(Array.isArray(body.errors) && body.errors.length > 0, `errors: ${why}`)
    for (const e of body.errors) assert.equal(Object.keys(e).sort(), ['message', 'path'], `an issue: ${why}`)
  }
}

/** fc.assert, with the failed assertion's own message in the report (uvu prints only the message). */
export const check = async (property: fc.IAsyncPropertyWithHooks<any>, numRuns: number): Promise<void> => {
  try {
    await fc.assert(property, { numRuns })
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause
    if (cause instanceof Error) (error as Error).message += `\nCaused by: ${cause.message}${(cause as { details?: string }).details ?? ''}`
    throw error
  }
}

/** Row count and md5 of every row of every table: equal fingerprints, equal data. */
export const fingerprint = async (api: ApiServer): Promise<Record<string, string>> => {
  const tables = await api.sql(`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`)
  const result: Record<string, string> = {}
  for (const { name } of tables) {
    const [row] = await api.sql(`select count(*)::int as n, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as h from "${name}" t`)
    result[name] = `${row.n}:${row.h}`
  }
  return result
}

/** Text PostgreSQL cannot store (NUL) or UTF-8 cannot encode (lone surrogates): the API refuses it. */
export const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Strings a user may well send and that must come back unchanged. */
export const SPECIAL_TEXT = [
  '👩‍👩‍👧‍👦 family', '🏳️‍🌈', 'e\u0301te\u0301 (combining)', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗͖', 'שלום עולם', 'مرحبا بالعالم', '\u202eRTL override\u202c', '\u200b\u200d zero width',
  "Robert'); DROP TABLE tasks;--", '1 OR 1=1', "' OR ''='", '%00', '\\u0000', '\\', '"quoted"', '<script>alert(1)</script>', '${7*7} {{7*7}}',
  '__proto__', 'constructor', 'prototype', 'tab\tnew\nline\r\n', '\ufeffBOM first', '𝕏 astral 𝄞', 'ﷺ', '\u007f\u0001\u001f controls', 'null', 'undefined', '[object Object]',
  ' padded ', 'ǅ Dž İı ß',
]

/** Any text without NUL or lone surrogates, 1..max UTF-16 units, not blank (titles and names must not be). */
export const text = (max: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...SPECIAL_TEXT),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
    fc.tuple(fc.constantFrom(...SPECIAL_TEXT), fc.string({ unit: 'binary', maxLength: 10 })).map(([a, b]) => a + b),
  ).filter((s) => s.length <= max && s.trim().length > 0 && !UNSTORABLE.test(s))

/** JSON whose every non-ASCII character is a \u escape: the same value, another encoding. */
export const asciiJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/** Whether a JSON route reads a body sent with this Content-Type (application/json or +json); others are a 415. */
export const isJsonType = (contentType: string): boolean => /^application\/(json|[\w.-]+\+json)\s*(;|$)/i.test(contentType)

/** Content types a hostile or careless client sends with a body. */
export const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/xml', 'application/json; charset=latin1', '', '*/*', 'application/merge-patch+json',
]

/** Values of every JSON type, including the awkward ones: huge, negative, fractional numbers, prototype keys. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -0, -1, 0.5, 1e308, -1e308, 5e-324, 2 ** 31, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, '', ' ', 'NaN', 'Infinity', '1', '1e3', [], {}, [null], JSON.parse('{"__proto__":{"admin":true}}')),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !UNSTORABLE.test(s)),
  fc.constantFrom(...SPECIAL_TEXT),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null)), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'a', 'toString'), fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxKeys: 3 }),
)

/** Does `value` have the JSON Schema type `schema` declares (the request schemas of the OpenAPI document)? */
export const hasSchemaType = (schema: Record<string, any>, value: unknown): boolean => {
  if ('const' in schema) return value === schema.const
  if (schema.enum) return schema.enum.includes(value)
  if (schema.oneOf) return schema.oneOf.some((member: Record<string, any>) => hasSchemaType(member, value))
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []
  if (types.length === 0) return true
  return types.some((type) => {
    switch (type) {
      case 'string': return typeof value === 'string'
      case 'number': return typeof value === 'number'
      case 'integer': return typeof value === 'number' && Number.isInteger(value) && value >= (schema.minimum ?? -Infinity) && value <= (schema.maximum ?? Infinity)
      case 'boolean': return typeof value === 'boolean'
      case 'null': return value === null
      case 'array': return Array.isArray(value) && value.every((v) => hasSchemaType(schema.items ?? {}, v))
      case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value)
        && (schema.additionalProperties === undefined || Object.values(value).every((v) => hasSchemaType(schema.additionalProperties, v)))
      default: return false
    }
  })
}

/** Bytes that are not UTF-8: a stray continuation byte, an overlong NUL, an encoded surrogate, a cut sequence, … */
export const INVALID_UTF8: readonly number[][] = [[0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xe2, 0x82], [0xf5, 0x80, 0x80, 0x80], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc3]]

/** Text that is not JSON (each checked by JSON.parse in the test, not assumed). */
export const MALFORMED_JSON = [
  '{', '{"a": ', '[1,2', 'nul', '{"a":1}}', "{'a':1}", 'NaN', '{"a":NaN}', '{"a":Infinity}', '{"a":-}', '{"a":01}', '{"a":1e}', '{a:1}',
  '{"a":"\u0000"}', '{"a":"line\nbreak"}', '{"a":"\\x41"}', '{"a":"\\ud83"}', '{"a" 1}', ',', '{"a":1,}', '[1,]', '"unterminated', '/* c */{}', '{}//', 'undefined', '0x10',
]
