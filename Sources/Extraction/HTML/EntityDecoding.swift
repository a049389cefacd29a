import Normalization

/// Character references are decoded by the shared decoder of the Normalization module.
enum EntityDecoding {
    static func decode(_ raw: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        raw.withUnsafeBufferPointer { HTMLEntities.decode($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
