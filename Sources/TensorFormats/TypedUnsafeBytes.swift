import Foundation

extension Data {
    /// Runs `decoder` over the bytes, keeping its typed error: `withUnsafeBytes` only rethrows `any Error`,
    /// which would lose the format's error type at every parser's entry point.
    func decode<Value, Failure: Error>(
        with decoder: (UnsafeRawBufferPointer) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        let result = withUnsafeBytes { bytes in
            Result { () throws(Failure) in try decoder(bytes) }
        }
        return try result.get()
    }
}
