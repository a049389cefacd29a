/// Adapter to the shared character-reference decoder of the Normalization module.
enum EntityDecoding {
    static func decode(_ raw: ArraySlice<UInt8>) -> String {
        // TODO(feeds): route through Normalization.HTMLEntities.decode once merged.
        return String(decoding: raw, as: UTF8.self)
    }
}
