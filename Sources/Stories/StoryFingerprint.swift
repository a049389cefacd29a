/// The 64-bit simhash that decides story membership (issue 12), over a normalized body's UTF-8 bytes.
///
/// Features are **word unigrams weighted by the square of their count** in the text (stopwords
/// and one-byte words dropped), not the 3-word shingles of `Normalization.SimHash` (which the article event's
/// `simhash` field keeps): one added sentence changes a shingle set far more than a word-count
/// vector, and the prior measurement kept only 52–70% of one-sentence edits within k = 3 with
/// shingles. The weighting was chosen on the fixtures of `StoryFingerprintMeasurementTests`
/// (its output prints the distance distributions); see `Sources/Stories/README.md`.
///
/// A word is a maximal run of ASCII letters and digits and of non-ASCII bytes (so UTF-8
/// letters stay inside words); anything else separates words. ASCII upper case is folded, so the
/// fingerprint of canonical (already case-folded) text and of raw text agree for ASCII.
public enum StoryFingerprint {
    /// How a word's count becomes its vote weight.
    public enum Weighting: Sendable, Hashable, CaseIterable {
        /// The count itself (term frequency).
        case count
        /// 1 + ln(count), fixed point.
        case logarithmic
        /// √count, fixed point.
        case squareRoot
        /// count²: the words a story dwells on outvote any few words an edit adds or removes.
        case squared
        /// count³ (measured for comparison: too few words decide).
        case cubed
    }

    /// Feature choices; ``default`` is the measured one.
    public struct Options: Sendable, Hashable {
        /// How counts become vote weights.
        public var weighting: Weighting
        /// Skip the common English function words of ``stopwords``.
        public var dropStopwords: Bool
        /// Words shorter than this many bytes are skipped.
        public var minimumWordBytes: Int

        /// Options; the defaults are ``default``.
        public init(weighting: Weighting = .squared, dropStopwords: Bool = true, minimumWordBytes: Int = 2) {
            self.weighting = weighting
            self.dropStopwords = dropStopwords
            self.minimumWordBytes = minimumWordBytes
        }

        /// Squared counts, stopwords dropped, words of 2+ bytes (the measured choice: see the README).
        public static let `default` = Options()
    }

    /// The fingerprint of `text` (UTF-8; ideally the canonical body, see `CanonicalText`).
    /// Zero for a text without words.
    public static func compute(_ text: [UInt8], options: Options = .default) -> UInt64 {
        let counts = wordCounts(text, options: options)
        if counts.isEmpty { return 0 }
        var votes = [Int64](repeating: 0, count: 64)
        votes.withUnsafeMutableBufferPointer { v in
            for (hash, count) in counts {
                let w = weight(count, options.weighting)
                var h = hash
                for bit in 0..<64 {
                    // Branch-free ±w: (h & 1) * 2w - w.
                    v[bit] &+= Int64(h & 1) &* (2 &* w) &- w
                    h >>= 1
                }
            }
        }
        var out: UInt64 = 0
        for bit in 0..<64 where votes[bit] > 0 { out |= 1 << UInt64(bit) }
        return out
    }

    /// Number of differing bits.
    @inline(__always)
    public static func distance(_ a: UInt64, _ b: UInt64) -> Int { (a ^ b).nonzeroBitCount }

    /// Word hash → count, for the words that are features under `options`.
    static func wordCounts(_ text: [UInt8], options: Options) -> [UInt64: Int32] {
        var counts: [UInt64: Int32] = [:]
        counts.reserveCapacity(text.count / 12 + 1)
        let minimum = max(1, options.minimumWordBytes)
        let dropStopwords = options.dropStopwords
        text.withUnsafeBufferPointer { b in
            let n = b.count
            var i = 0
            while i < n {
                while i < n, !isWordByte(b[i]) { i += 1 }
                let start = i
                // FNV-1a over the folded bytes, then a full mix (below).
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                while i < n, isWordByte(b[i]) {
                    var c = b[i]
                    if c &- 0x41 < 26 { c |= 0x20 } // ASCII A-Z → a-z
                    h = (h ^ UInt64(c)) &* 0x0000_0100_0000_01B3
                    i += 1
                }
                guard i - start >= minimum else { continue }
                if dropStopwords && stopwordHashes.contains(h) { continue }
                counts[mix(h), default: 0] += 1
            }
        }
        return counts
    }

    /// Letters, digits, and any byte of a multi-byte UTF-8 sequence.
    @inline(__always)
    static func isWordByte(_ c: UInt8) -> Bool {
        c >= 0x80 || (c | 0x20) &- 0x61 < 26 || c &- 0x30 < 10
    }

    /// Vote weight of a word seen `count` times (fixed point, ×16 for the fractional ones).
    @inline(__always)
    static func weight(_ count: Int32, _ weighting: Weighting) -> Int64 {
        switch weighting {
        case .count: return Int64(count)
        case .logarithmic: return Int64(16 + 16 * log(Double(count)))
        case .squareRoot: return Int64((16 * Double(count).squareRoot()).rounded())
        case .squared: return Int64(count) * Int64(count)
        case .cubed: return Int64(count) * Int64(count) * Int64(count)
        }
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Hashes (FNV-1a, before mixing) of ``stopwords``.
    static let stopwordHashes: Set<UInt64> = Set(stopwords.map { word in
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in word.utf8 { h = (h ^ UInt64(c)) &* 0x0000_0100_0000_01B3 }
        return h
    })

    /// English function words that carry no topic: skipped when `dropStopwords` is set.
    public static let stopwords: [String] = [
        "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before",
        "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her",
        "his", "how", "if", "in", "into", "is", "it", "its", "more", "most", "not", "of", "on", "one", "or",
        "other", "our", "out", "over", "said", "says", "she", "so", "some", "than", "that", "the", "their",
        "them", "then", "there", "these", "they", "this", "those", "to", "two", "up", "was", "we", "were",
        "what", "when", "where", "which", "while", "who", "will", "with", "would", "you", "your", "no",
        "new", "just", "only", "very", "s", "t", "mr", "ms", "per", "via", "such", "each", "both", "may",
    ]
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
