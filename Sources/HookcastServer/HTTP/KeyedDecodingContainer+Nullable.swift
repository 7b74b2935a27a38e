extension KeyedDecodingContainer {
    /// For PATCH-like fields where leaving a field out and sending `null` differ: absent is `.none` (keep),
    /// `null` is `.some(nil)` (remove), a value is `.some(value)`.
    func decodeNullable<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T?? {
        guard contains(key) else { return .none }
        return .some(try decodeNil(forKey: key) ? nil : decode(T.self, forKey: key))
    }
}
