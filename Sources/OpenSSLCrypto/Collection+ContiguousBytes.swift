extension Collection<UInt8> {
    /// Calls `body` with the bytes in one contiguous buffer, copying only when the collection
    /// does not store them contiguously.
    func withContiguousBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        if let result = try withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return try Array(self).withUnsafeBytes(body)
    }
}
