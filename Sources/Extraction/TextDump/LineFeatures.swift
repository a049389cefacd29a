/// Text-only features of one dump line, computed in one pass over its UTF-8 bytes.
///
/// Nothing here depends on a site's layout: counts of words, sentence punctuation, commas,
/// link-like tokens (`|`, `»`, `›`, `•`, URLs), capitalised words, CJK characters, and a hash
/// of the line for finding repeated lines.
struct LineFeatures: Sendable {
    /// Unicode scalars.
    var chars = 0
    /// Space-separated tokens holding a letter or a digit.
    var words = 0
    /// CJK ideographs, kana and Hangul syllables (scripts written without spaces).
    var cjk = 0
    var kana = 0
    var hangul = 0
    /// Thai, Lao, Khmer and Myanmar letters: scripts written without spaces between words and with
    /// few sentence marks (Thai, Lao and Khmer hardly any; Myanmar's ။ closes long sentences only).
    var unspaced = 0
    /// Sentence ends: `.`, `!`, `?` before a space or the line end, `。`, `！`, `？`.
    var sentenceEnds = 0
    var commas = 0
    /// Tokens that are menu separators or bullets (`|`, `»`, `›`, `•`, `·`, `/`, `>`).
    var separators = 0
    /// Tokens that look like URLs or e-mail addresses.
    var urls = 0
    /// Words starting with an upper-case letter.
    var capitalized = 0
    /// The line ends like a sentence (`.`, `!`, `?`, `:`, closing quote or bracket after one, `。`, `…`).
    var endsSentence = false
    /// Stopwords of the dump's language (filled once the language is known).
    var stopwords = 0
    /// A 64-bit hash of the line's bytes (lines of up to 256 bytes; longer lines get a unique value).
    var hash: UInt64 = 0

    /// Length with CJK characters counted three times (one of them carries about a word).
    var weight: Int { chars + 2 * cjk }

    /// Share of stopwords among the words.
    var stopwordDensity: Double { words > 0 ? Double(stopwords) / Double(words) : 0 }

    /// Computes the features of `line`; `stopwordCounts` receives, per language bit, the number
    /// of the line's words in that language's list.
    static func compute(_ line: ArraySlice<UInt8>, stopwordCounts: inout SIMD16<UInt16>, table: Stopwords.Table = Stopwords.fastTable) -> LineFeatures {
        var f = LineFeatures()
        var sw = stopwordCounts
        let spreadTable = Stopwords.spread
        line.withUnsafeBufferPointer { b in spreadTable.withUnsafeBufferPointer { spread in
            let n = b.count
            guard let base = b.baseAddress else { f.hash = lineHash(b); return }
            // Counters in locals (the struct captured by the closure would be written to memory at every step).
            var chars = 0, words = 0, cjk = 0, kana = 0, hangul = 0, unspaced = 0, sentenceEnds = 0, commas = 0
            var separators = 0, urls = 0, capitalized = 0
            var packed: UInt64 = 0
            var packedHits = 0
            var i = 0
            while i < n {
                // One token: b[i..<j]. Its core runs from its first to its last letter or digit
                // (ASCII punctuation around it left out): the part looked up as a stopword.
                var j = i
                var hasAlnum = false
                var tokenChars = 0
                var coreStart = -1, coreEnd = 0
                while j < n {
                    let c = b[j]
                    if isAlnum(c) {
                        // A run of ASCII letters and digits, the common case: its end found eight
                        // bytes at a time (no branch per byte), the last bytes of the line one by one.
                        let s = j
                        j &+= 1
                        var ended = false
                        while j + 8 <= n {
                            let other = nonAlnumBytes(UInt64(littleEndian: UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)))
                            if other != 0 { j &+= other.trailingZeroBitCount >> 3; ended = true; break }
                            j &+= 8
                        }
                        if !ended && j < n {
                            if n >= 8 {
                                // The line's last eight bytes, shifted so that byte j comes first: zeros
                                // (not letters) come in past the line end. In bounds: n - 8 >= 0.
                                let w = UInt64(littleEndian: UnsafeRawPointer(base + (n - 8)).loadUnaligned(as: UInt64.self))
                                j &+= nonAlnumBytes(w &>> UInt64(8 &* (j &- (n &- 8)))).trailingZeroBitCount &>> 3
                            } else {
                                while j < n, isAlnum(b[j]) { j &+= 1 }
                            }
                        }
                        if coreStart < 0 { coreStart = s }
                        coreEnd = j
                        hasAlnum = true
                        tokenChars &+= j - s
                        continue
                    }
                    if c == 0x20 { break }
                    if c < 0x80 {
                        if c == 0x2C { commas &+= 1 }
                        else if c == 0x2E || c == 0x21 || c == 0x3F {
                            if (j + 1 == n || b[j + 1] == 0x20), j > i, b[j - 1] != 0x2E { sentenceEnds &+= 1 }
                        }
                        tokenChars &+= 1
                    } else {
                        if coreStart < 0 { coreStart = j }
                        coreEnd = j + 1
                        if c & 0xC0 != 0x80 {
                            tokenChars &+= 1
                            // Letters, except Latin-1 punctuation (« » · ©), general punctuation and
                            // symbols (U+2000–U+2FFF: dashes, quotes, bullets, arrows) and CJK punctuation.
                            if c != 0xC2 && c != 0xE2 && !(c == 0xE3 && j + 1 < n && b[j + 1] == 0x80) { hasAlnum = true }
                            if c >= 0xE3 && c <= 0xED, j + 2 < n {
                                let c1 = b[j + 1], c2 = b[j + 2]
                                if c == 0xE3 && c1 == 0x80 {
                                    if c2 == 0x82 { sentenceEnds &+= 1 } else if c2 == 0x81 { commas &+= 1 }
                                } else {
                                    cjk &+= 1
                                    if c == 0xE3 && (c1 == 0x81 || c1 == 0x82 || c1 == 0x83) { kana &+= 1 }
                                    if (c == 0xEA && c1 >= 0xB0) || (c >= 0xEB && c <= 0xED) { hangul &+= 1 }
                                }
                            } else if c == 0xEF, j + 2 < n, b[j + 1] == 0xBC {
                                let c2 = b[j + 2]
                                if c2 == 0x81 || c2 == 0x9F { sentenceEnds &+= 1 } else if c2 == 0x8C { commas &+= 1 }
                            } else if c == 0xD8 || c == 0xDB || c == 0xD6, j + 1 < n {
                                // Arabic script: ، ؛ count as commas, ؟ ۔ as sentence ends; Armenian ։.
                                let c1 = b[j + 1]
                                if c == 0xD8 && (c1 == 0x8C || c1 == 0x9B) { commas &+= 1 }
                                else if (c == 0xD8 && c1 == 0x9F) || (c == 0xDB && c1 == 0x94) || (c == 0xD6 && c1 == 0x89) { sentenceEnds &+= 1 }
                            } else if c == 0xE0 || c == 0xE1, j + 2 < n {
                                // Devanagari । ॥, Myanmar ။ (and ၊ as a comma), Ethiopic ።.
                                let c1 = b[j + 1], c2 = b[j + 2]
                                if (c == 0xE0 && c1 == 0xA5 && (c2 == 0xA4 || c2 == 0xA5)) || (c == 0xE1 && ((c1 == 0x81 && c2 == 0x8B) || (c1 == 0x8D && c2 == 0xA2))) {
                                    sentenceEnds &+= 1
                                } else if c == 0xE1 && c1 == 0x81 && c2 == 0x8A { commas &+= 1 }
                                // Thai and Lao U+0E00–U+0EFF, Khmer U+1780–U+17FF, Myanmar U+1000–U+109F.
                                else if (c == 0xE0 && c1 >= 0xB8 && c1 <= 0xBB) || (c == 0xE1 && (c1 == 0x9E || c1 == 0x9F || c1 == 0x80 || c1 == 0x81 || (c1 == 0x82 && c2 < 0xA0))) { unspaced &+= 1 }
                            }
                        }
                    }
                    j &+= 1
                }
                chars &+= tokenChars + (j < n ? 1 : 0)
                if hasAlnum {
                    words &+= 1
                    let c0 = b[i]
                    if (c0 >= 0x41 && c0 <= 0x5A) || (c0 == 0xC3 && i + 1 < j && b[i + 1] >= 0x80 && b[i + 1] <= 0x9E)
                        || (c0 == 0xD0 && i + 1 < j && b[i + 1] >= 0x90 && b[i + 1] <= 0xAF) { capitalized &+= 1 }
                    if j - i >= 4, b[i] == 0x68, b[i + 1] == 0x74, b[i + 2] == 0x74, b[i + 3] == 0x70 { urls &+= 1 }
                    else if j - i >= 4, b[i] == 0x77, b[i + 1] == 0x77, b[i + 2] == 0x77, b[i + 3] == 0x2E { urls &+= 1 }
                    // Stopword look-up on the core, packed lower-cased (words of up to 8 bytes).
                    let coreLength = coreEnd - coreStart
                    if coreLength <= 8 {
                        var v: UInt64 = 0
                        if coreStart + 8 <= n {
                            // The core's bytes, first byte highest, from one load.
                            let w = UInt64(bigEndian: UnsafeRawPointer(base + coreStart).loadUnaligned(as: UInt64.self)) >> UInt64(64 - 8 * coreLength)
                            v = lowercasedASCII(w)
                        } else {
                            for k in coreStart..<coreEnd {
                                let c = b[k]
                                v = v << 8 | UInt64(c >= 0x41 && c <= 0x5A ? c | 0x20 : c)
                            }
                        }
                        let mask = table.mask(v)
                        // Per-language counters packed 6 bits apart, flushed before they can overflow
                        // (no branch on the word: spread[0] is 0). In bounds: masks are below 1 << 10.
                        packed &+= spread[Int(mask)]
                        packedHits &+= Int(truncatingIfNeeded: (UInt32(mask) &+ 0xFFFF) &>> 16) // 1 when mask != 0
                        if packedHits == 63 { flush(&sw, packed); packed = 0; packedHits = 0 }
                    }
                } else if isSeparatorToken(b, i, j) {
                    separators &+= 1
                }
                i = j + 1
            }
            f.chars = chars; f.words = words; f.cjk = cjk; f.kana = kana; f.hangul = hangul; f.unspaced = unspaced
            f.sentenceEnds = sentenceEnds; f.commas = commas; f.separators = separators; f.urls = urls; f.capitalized = capitalized
            if packedHits > 0 { flush(&sw, packed) }
            f.endsSentence = endsLikeSentence(b)
            // Only lines short enough to be menus or headlines are compared for repeats; a long line
            // gets a value of its own (its position).
            f.hash = n <= 256 ? lineHash(b) : UInt64(line.startIndex) | 1 << 63
        } }
        stopwordCounts = sw
        return f
    }

    /// Adds the 6-bit per-language fields of `packed` to the counters.
    @inline(__always) static func flush(_ sw: inout SIMD16<UInt16>, _ packed: UInt64) {
        for k in 0..<Stopwords.languages.count { sw[k] &+= UInt16(truncatingIfNeeded: (packed >> UInt64(6 * k)) & 63) }
    }

    /// A 64-bit hash of a line's bytes, eight bytes per step (only compared for equality within a dump).
    @inline(__always) static func lineHash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = b.count
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(n)
        guard let base = b.baseAddress else { return h }
        var k = 0
        while k + 8 <= n {
            let w = UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self)
            h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
            h = h << 27 | h >> 37
            k += 8
        }
        while k < n { h = (h ^ UInt64(b[k])) &* 0x100_0000_01b3; k += 1 }
        return h ^ h >> 31
    }

    /// The high bit of each byte of `w` (first byte lowest) that is not an ASCII letter or digit.
    @inline(__always) static func nonAlnumBytes(_ w: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        // Per byte below 0x80, the high bit of (b + 0x80 - lo) & ~(b + 0x7F - hi) says lo <= b <= hi.
        let x = w & 0x7F7F_7F7F_7F7F_7F7F
        let digit = (x &+ 0x5050_5050_5050_5050) & ~(x &+ 0x4646_4646_4646_4646)
        let l = x | 0x2020_2020_2020_2020
        let letter = (l &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(l &+ 0x0505_0505_0505_0505)
        return ~((digit | letter) & ~w) & high
    }

    /// `w` with its ASCII upper-case bytes lower-cased.
    @inline(__always) static func lowercasedASCII(_ w: UInt64) -> UInt64 {
        let x = w & 0x7F7F_7F7F_7F7F_7F7F
        let upper = (x &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(x &+ 0x2525_2525_2525_2525) & ~w & 0x8080_8080_8080_8080
        return w | upper >> 2
    }

    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A)
    }

    /// `|`, `/`, `>`, `•`, `·`, `»`, `›`, `::` as a token of their own.
    static func isSeparatorToken(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ j: Int) -> Bool {
        let n = j - i
        if n == 1 { return b[i] == 0x7C || b[i] == 0x2F || b[i] == 0x3E || b[i] == 0x5C }
        if n == 2 { return (b[i] == 0xC2 && (b[i + 1] == 0xBB || b[i + 1] == 0xB7)) || (b[i] == 0x3A && b[i + 1] == 0x3A) }
        if n == 3, b[i] == 0xE2 { return (b[i + 1] == 0x80 && (b[i + 2] == 0xA2 || b[i + 2] == 0xBA)) || (b[i + 1] == 0x86 && b[i + 2] == 0x92) }
        return false
    }

    /// Ends in sentence punctuation, possibly followed by closing quotes or brackets.
    static func endsLikeSentence(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var e = b.count
        while e > 0 {
            let c = b[e - 1]
            if c == 0x22 || c == 0x27 || c == 0x29 || c == 0x5D { e -= 1; continue }
            if e >= 3, b[e - 3] == 0xE2, b[e - 2] == 0x80, b[e - 1] == 0x9D || b[e - 1] == 0x99 { e -= 3; continue } // ” ’
            if e >= 2, b[e - 2] == 0xC2, b[e - 1] == 0xBB { e -= 2; continue } // »
            break
        }
        guard e > 0 else { return false }
        let c = b[e - 1]
        if c == 0x2E || c == 0x21 || c == 0x3F || c == 0x3A { return true }
        if e >= 3 {
            let a = b[e - 3], m = b[e - 2]
            if a == 0xE3, m == 0x80, c == 0x82 { return true } // 。
            if a == 0xEF, m == 0xBC, c == 0x81 || c == 0x9F { return true } // ！？
            if a == 0xE2, m == 0x80, c == 0xA6 { return true } // …
            if a == 0xE0, m == 0xA5, c == 0xA4 || c == 0xA5 { return true } // । ॥
            if a == 0xE1, (m == 0x81 && c == 0x8B) || (m == 0x8D && c == 0xA2) { return true } // ။ ።
        }
        if e >= 2 {
            let a = b[e - 2]
            if (a == 0xD8 && c == 0x9F) || (a == 0xDB && c == 0x94) || (a == 0xD6 && c == 0x89) { return true } // ؟ ۔ ։
        }
        return false
    }
}
