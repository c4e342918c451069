// JSON Schema from the io-ts codecs the routes decode with, so that the OpenAPI request bodies cannot drift
// from what the server accepts.
import type * as t from 'io-ts'

export type JsonSchema = Record<string, unknown>

interface Node {
  readonly _tag?: string
  readonly name: string
  readonly props?: Record<string, Node>
  readonly types?: readonly Node[]
  readonly type?: Node
  readonly keys?: Record<string, unknown>
  readonly value?: unknown
  readonly codomain?: Node
}

const merge = (schemas: JsonSchema[]): JsonSchema => {
  const properties: Record<string, unknown> = {}
  const required: string[] = []
  for (const s of schemas) {
    Object.assign(properties, (s.properties as Record<string, unknown> | undefined) ?? {})
    required.push(...((s.required as string[] | undefined) ?? []))
  }
  return { type: 'object', properties, ...(required.length ? { required } : {}) }
}

export const toJsonSchema = (codec: t.Mixed | Node): JsonSchema => {
  const node = codec as Node
  switch (node._tag) {
    case 'StringType': return { type: 'string' }
    case 'NumberType': return { type: 'number' }
    case 'BooleanType': return { type: 'boolean' }
    case 'NullType': return { type: 'null' }
    case 'UnknownType': return {}
    case 'RefinementType':
      if (node.name === 'Id') return { type: 'integer', minimum: 1, maximum: 2_147_483_647 }
      return node.name === 'Int' ? { type: 'integer' } : toJsonSchema(node.type as Node)
    case 'KeyofType': return { type: 'string', enum: Object.keys(node.keys ?? {}) }
    case 'ArrayType': return { type: 'array', items: toJsonSchema(node.type as Node) }
    case 'InterfaceType': {
      const props = node.props ?? {}
      return { type: 'object', properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, toJsonSchema(v)])), required: Object.keys(props) }
    }
    case 'PartialType':
      return { type: 'object', properties: Object.fromEntries(Object.entries(node.props ?? {}).map(([k, v]) => [k, toJsonSchema(v)])) }
    case 'DictionaryType': return { type: 'object', additionalProperties: toJsonSchema(node.codomain as Node) }
    case 'IntersectionType': return merge((node.types ?? []).map(toJsonSchema))
    case 'UnionType': {
      const members = (node.types ?? []).map(toJsonSchema)
      const simple = members.every((m) => typeof m.type === 'string' && Object.keys(m).length === 1)
      return simple ? { type: members.map((m) => m.type) } : { oneOf: members }
    }
    default:
      throw new Error(`no JSON Schema for io-ts type ${node.name}`)
  }
}
