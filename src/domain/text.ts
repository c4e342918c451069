// Text lengths as the contract counts them: in characters (Unicode code points), never in UTF-16 code units
// or bytes. A 30-emoji label is 30 characters here, as it is on GitHub.

/** The number of code points of `text` (a surrogate pair counts once). */
export const charCount = (text: string): number => {
  let pairs = 0
  for (let i = 0; i < text.length - 1; i += 1) {
    const unit = text.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs += 1
        i += 1
      }
    }
  }
  return text.length - pairs
}

/** The UTF-16 index at which the code point number `count` starts (text.length when the text is shorter). */
const indexOfCodePoint = (text: string, count: number): number => {
  let index = 0
  for (let seen = 0; seen < count && index < text.length; seen += 1) {
    const unit = text.charCodeAt(index)
    index += unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length ? 2 : 1
  }
  return index
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/**
 * `text` cut to at most `max` characters, at the last grapheme boundary that fits (a flag or a family emoji is
 * kept whole or left out, never split), followed by `marker` (counted in `max`). Text that fits comes back as is.
 */
export const truncateChars = (text: string, max: number, marker = ''): string => {
  if (charCount(text) <= max) return text
  const cut = indexOfCodePoint(text, Math.max(0, max - charCount(marker)))
  // Only the neighbourhood of the cut needs segmenting: graphemes are short.
  const windowStart = Math.max(0, cut - 64)
  let boundary = windowStart
  for (const { index } of segmenter.segment(text.slice(windowStart, cut + 64))) {
    const at = windowStart + index
    if (at > cut) break
    boundary = at
  }
  return text.slice(0, boundary) + marker
}
