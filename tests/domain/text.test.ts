// Text lengths in characters (code points) and cuts at grapheme boundaries.
import * as fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { charCount, truncateChars } from '../../src/domain/text.js'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

test('charCount counts code points, not UTF-16 units or bytes', () => {
  assert.is(charCount(''), 0)
  assert.is(charCount('abc'), 3)
  assert.is(charCount('😀'.repeat(30)), 30)
  assert.is('😀'.repeat(30).length, 60)
  assert.is(charCount('é'), 1)
  assert.is(charCount('e\u0301'), 2, 'a combining mark is a code point of its own')
  assert.is(charCount('👨‍👩‍👧'), 5)
  assert.is(charCount('\uD83D'), 1, 'a lone surrogate counts once')
  assert.is(charCount('a\uDE00\uD83D'), 3)
})

test('charCount equals the length of the code point iteration, for any string', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => charCount(s) === [...s].length))
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', '😀', '\uD800', '\uDC00', '\u0301') }), (s) => charCount(s) === [...s].length))
})

test('truncateChars: text that fits is returned as it is; a cut keeps whole graphemes and ends with the marker', () => {
  assert.is(truncateChars('abc', 3, '…'), 'abc')
  assert.is(truncateChars('abcd', 3, '…'), 'ab…')
  assert.is(truncateChars('abcd', 3), 'abc')
  assert.is(truncateChars('😀😀😀😀', 3), '😀😀😀', 'a surrogate pair is never split')
  assert.is(truncateChars('ab🇫🇷cd', 3), 'ab', 'a flag (two code points) is kept whole or left out')
  assert.is(truncateChars('ab🇫🇷cd', 4), 'ab🇫🇷')
  assert.is(truncateChars('e\u0301e\u0301', 3), 'e\u0301', 'a letter keeps its combining mark')
})

test('truncateChars: the result is a prefix within the limit, with no lone surrogate made by the cut', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\u200D', '👨', '🇫', '🇷', 'e\u0301'), maxLength: 300 })
  fc.assert(fc.property(text, fc.integer({ min: 1, max: 300 }), fc.boolean(), (s, max, marked) => {
    const marker = marked ? '…' : ''
    const cut = truncateChars(s, max, marker)
    if (charCount(s) <= max) return cut === s
    const body = cut.slice(0, cut.length - marker.length)
    return charCount(cut) <= max && cut.endsWith(marker) && s.startsWith(body) && !LONE_SURROGATE.test(cut)
  }))
})

test.run()
