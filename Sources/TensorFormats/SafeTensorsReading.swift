import Foundation

extension SafeTensors {
    /// Headers longer than this are refused before anything is allocated for them (the reference
    /// implementation's limit): a corrupt length must not make the reader allocate gigabytes.
    public static let maximumHeaderLength = 100_000_000

    /// Reads and fully validates the bytes of a safetensors file; entries come in header order.
    public init(data: Data) throws(SafeTensorsError) {
        self = try data.decode(with: Self.parse)
    }

    /// Reads and fully validates a safetensors file; a problem with its contents is reported as
    /// `.inFile(path:, problem)`.
    public init(contentsOf url: URL) throws(SafeTensorsError) {
        self = try FileAccess.decodeFile(url) { data throws(SafeTensorsError) in try SafeTensors(data: data) }
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer) throws(SafeTensorsError) -> SafeTensors {
        let lengthSize = MemoryLayout<UInt64>.size
        guard bytes.count >= lengthSize else { throw .tooShort(byteCount: bytes.count) }
        let length = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard length > 0 else { throw .emptyHeader }
        guard length <= maximumHeaderLength else { throw .headerTooLarge(length: length, limit: maximumHeaderLength) }
        let available = bytes.count - lengthSize
        guard length <= available else { throw .headerPastEnd(length: length, available: available) }

        let bufferStart = lengthSize + Int(length)
        let header = try SafeTensorsHeader(
            json: Array(bytes[lengthSize..<bufferStart]), bufferSize: bytes.count - bufferStart)
        var tensors = SafeTensors(metadata: header.metadata)
        for range in header.tensors {
            let slice = UnsafeRawBufferPointer(rebasing: bytes[(bufferStart + range.begin)..<(bufferStart + range.end)])
            tensors.store(Entry(name: range.name, dtype: range.dtype, shape: range.shape, storage: Data(slice)))
        }
        return tensors
    }
}
