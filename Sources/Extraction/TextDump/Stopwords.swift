/// Small stopword lists of the main languages, as a table from a word's lower-cased UTF-8 bytes
/// (packed into a `UInt64`, words of up to 8 bytes) to the set of languages it belongs to.
///
/// The share of stopwords among a line's words separates running prose (many function words)
/// from navigation, headlines and lists (few), the main feature of the jusText family.
enum Stopwords {
    /// ISO 639-1 codes, in bit order of the table's masks.
    static let languages = ["en", "de", "fr", "es", "it", "pt", "nl", "ru", "pl", "sv"]

    static let lists: [String] = [
        // en
        "the of and to a in is it that was for on are as with he she they be at by this had not but from or have an which you were her all their there been has would will his its who we our can more when one if about into than them only so these no also what after said out could other some up",
        // de
        "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an er hat aus bei wird sie nach einer um am sind noch wie einem über einen so zum war haben nur oder aber vor zur bis mehr durch man sein wurde sei ich wir ihre wenn dass kann",
        // fr
        "de la le et les des en un une du est que pour qui dans a par plus pas au sur ne se ce il sont avec ou son sa ses aux été elle nous vous leur mais comme cette on ont y être fait lui tout",
        // es
        "de la que el en y a los del se las por un para con no una su al es lo como más pero sus le ya o fue este ha sí porque esta son entre cuando muy sin sobre también me hasta hay donde han desde todo nos durante",
        // it
        "di e il la che in a per un è del non le si con una da sono i al della gli come più ha ma lo dei nel alla anche delle questo se ci ne nella su o sua suo loro",
        // pt
        "de a o que e do da em um para é com não uma os no se na por mais as dos como mas foi ao ele das tem à seu sua ou ser quando muito há nos já está também pelo pela até isso",
        // nl
        "de en van het een in is dat op te zijn met voor niet aan er die maar om ook als dan bij nog uit door werd naar wordt over hij ze kan heeft was worden tot",
        // ru
        "и в не на что с по как это он она они к из у за от для его но так же то был было все бы ее мы вы при уже или только",
        // pl
        "i w na z się nie do to że jest o jak a co po ale przez od za tak dla jego jej są może być był było oraz już tylko które który która",
        // sv
        "och i att det som en på är av för med till den har de inte om ett han men var jag sig från vi så kan när eller efter ska skulle",
    ]

    /// Lower-cased word bytes (≤ 8) → bit mask of `languages`.
    static let table: [UInt64: UInt16] = {
        var t: [UInt64: UInt16] = [:]
        for (k, list) in lists.enumerated() {
            for w in list.split(separator: " ") {
                let b = Array(w.utf8)
                guard b.count <= 8 else { continue }
                t[pack(b[...]), default: 0] |= UInt16(1) << UInt16(k)
            }
        }
        return t
    }()

    /// The table as open addressing over packed words: the look-up runs once per word of every
    /// dump, so it avoids `Hasher` and branches. A key sits at most `probes - 1` slots after its
    /// home slot (the multiplier of the hash is chosen so), and a look-up compares all `probes`
    /// slots without a branch on the word (stopword or not is a coin flip in prose).
    struct Table: Sendable {
        /// Slots to compare per look-up.
        static let probes = 4
        /// `probes - 1` slots past the last home slot, so that a look-up never wraps.
        let keys: [UInt64]
        let masks: [UInt16]
        /// 64 less the bits of the home slot count.
        let shift: UInt64
        let multiplier: UInt64

        /// A table of at least `slots` home slots (rounded up to a power of two, at least twice
        /// the entries): small enough to stay in the first-level cache.
        init(_ entries: [UInt64: UInt16], slots: Int = 1024) {
            var size = 16
            while size < max(slots, entries.count * 2) { size <<= 1 }
            // Sorted keys and a fixed sequence of candidate multipliers: the same table every run.
            let sorted = entries.keys.sorted()
            var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
            var tries = 0
            while true {
                let m = tries == 0 ? 0x9E37_79B9_7F4A_7C15 : Self.splitmix(&seed) | 1
                if let (k, v) = Self.place(sorted, entries, size: size, multiplier: m) {
                    keys = k
                    masks = v
                    shift = UInt64(64 - size.trailingZeroBitCount)
                    multiplier = m
                    return
                }
                tries += 1
                if tries == 4096 { size <<= 1; tries = 0 }
            }
        }

        /// Linear probing without wrap-around; nil when a key lands `probes` or more slots past its home.
        static func place(_ sorted: [UInt64], _ entries: [UInt64: UInt16], size: Int, multiplier: UInt64) -> ([UInt64], [UInt16])? {
            let shift = UInt64(64 - size.trailingZeroBitCount)
            var k = [UInt64](repeating: 0, count: size + probes - 1)
            var m = [UInt16](repeating: 0, count: size + probes - 1)
            for key in sorted {
                let home = Int(truncatingIfNeeded: (key &* multiplier) >> shift)
                var i = home
                while i < home + probes && k[i] != 0 { i += 1 }
                if i == home + probes { return nil }
                k[i] = key
                m[i] = entries[key]!
            }
            return (k, m)
        }

        static func splitmix(_ state: inout UInt64) -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// The language mask of a packed word (0 when it is no stopword).
        @inline(__always) func mask(_ key: UInt64) -> UInt16 {
            keys.withUnsafeBufferPointer { k in
                masks.withUnsafeBufferPointer { v in
                    // In bounds: home < size and the arrays hold size + probes - 1 slots.
                    let home = Int(truncatingIfNeeded: (key &* multiplier) &>> shift)
                    // The four slots compared as two vector pairs (scalar compares become a
                    // mispredicted branch). Empty slots hold key 0 and mask 0: a match there adds nothing.
                    let kk = SIMD2<UInt64>(repeating: key)
                    let e01 = SIMD2<UInt64>(k[home], k[home &+ 1]) .== kk
                    let e23 = SIMD2<UInt64>(k[home &+ 2], k[home &+ 3]) .== kk
                    let m01 = SIMD2<UInt64>(UInt64(v[home]), UInt64(v[home &+ 1])).replacing(with: 0, where: .!e01)
                    let m23 = SIMD2<UInt64>(UInt64(v[home &+ 2]), UInt64(v[home &+ 3])).replacing(with: 0, where: .!e23)
                    let m = m01 | m23
                    return UInt16(truncatingIfNeeded: m[0] | m[1])
                }
            }
        }
    }

    static let fastTable = Table(table)

    /// For each language mask, one in the 6-bit field of each of its languages (10 fields).
    static let spread: [UInt64] = (0..<1024).map { m in
        var v: UInt64 = 0
        for k in 0..<10 where m & (1 << k) != 0 { v |= 1 << UInt64(6 * k) }
        return v
    }

    /// Packs up to 8 bytes, ASCII upper case folded to lower case.
    @inline(__always)
    static func pack(_ word: ArraySlice<UInt8>) -> UInt64 {
        var v: UInt64 = 0
        for c in word {
            let l = c >= 0x41 && c <= 0x5A ? c | 0x20 : c
            v = v << 8 | UInt64(l)
        }
        return v
    }
}
