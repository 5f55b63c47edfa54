import Foundation

/// The parts of a `.npy` file around its header, shared by `NPYArray` and the entries of `NPZFile`:
/// the magic string, the version, the header's length field, the padded header, then the data.
extension NPYHeader {
    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The header of the `.npy` file in `bytes` and the offset where its data starts.
    static func read(_ bytes: UnsafeRawBufferPointer) throws(NPYError) -> (header: NPYHeader, dataStart: Int) {
        guard bytes.starts(with: magic) else { throw .notNPY }
        guard bytes.count >= magic.count + 2 else { throw .truncatedHeader(expectedBytes: magic.count + 2, availableBytes: bytes.count) }
        let (major, minor) = (bytes[magic.count], bytes[magic.count + 1])
        let lengthFieldStart = magic.count + 2
        let lengthFieldSize: Int
        switch (major, minor) {
        case (1, 0): lengthFieldSize = 2
        case (2, 0): lengthFieldSize = 4
        default: throw .unsupportedVersion(major: major, minor: minor)
        }
        let headerStart = lengthFieldStart + lengthFieldSize
        guard bytes.count >= headerStart else { throw .truncatedHeader(expectedBytes: headerStart, availableBytes: bytes.count) }
        let headerLength = lengthFieldSize == 2
            ? Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: lengthFieldStart, as: UInt16.self)))
            : Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: lengthFieldStart, as: UInt32.self)))
        let dataStart = headerStart + headerLength
        guard bytes.count >= dataStart else { throw .truncatedHeader(expectedBytes: dataStart, availableBytes: bytes.count) }
        return (try NPYHeader(parsing: Array(bytes[headerStart..<dataStart])), dataStart)
    }

    /// The data that follows the header at `dataStart`: exactly the bytes this header's shape needs,
    /// in C order, with nothing after them.
    func payload(of bytes: UnsafeRawBufferPointer, from dataStart: Int, elementSize: Int) throws(NPYError) -> UnsafeRawBufferPointer {
        guard !fortranOrder else { throw .fortranOrder }
        guard let byteCount = ElementCount.byteCount(of: shape, elementSize: elementSize) else { throw .sizeOverflow(shape: shape) }
        let available = bytes.count - dataStart
        guard available >= byteCount else { throw .truncatedData(expectedBytes: byteCount, availableBytes: available) }
        guard available == byteCount else { throw .trailingData(expectedBytes: byteCount, availableBytes: available) }
        return UnsafeRawBufferPointer(rebasing: bytes[dataStart...])
    }

    /// Everything of the file before its data, exactly as `numpy.save` writes it.
    var filePrefix: Data {
        let dictionary = Array(literal.utf8)
        // NumPy's rule, followed so that the bytes are the ones `numpy.save` writes: spare spaces so that the
        // first dimension can grow to 21 digits in place, then more spaces and a newline so that the data
        // starts at a multiple of 64 bytes (an already aligned header still gets 64 more spaces).
        let growthSpaces = shape.first.map { max(0, 21 - String($0).count) } ?? 0
        func headerLength(lengthFieldSize: Int) -> Int {
            let unpadded = dictionary.count + growthSpaces + 1
            return unpadded + 64 - (Self.magic.count + 2 + lengthFieldSize + unpadded) % 64
        }
        let fitsVersion1 = headerLength(lengthFieldSize: 2) <= Int(UInt16.max)
        let length = headerLength(lengthFieldSize: fitsVersion1 ? 2 : 4)

        var data = Data(Self.magic)
        if fitsVersion1 {
            data.append(contentsOf: [1, 0])
            withUnsafeBytes(of: UInt16(length).littleEndian) { data.append(contentsOf: $0) }
        } else {
            data.append(contentsOf: [2, 0])
            withUnsafeBytes(of: UInt32(length).littleEndian) { data.append(contentsOf: $0) }
        }
        data.append(contentsOf: dictionary)
        data.append(contentsOf: repeatElement(UInt8(ascii: " "), count: length - dictionary.count - 1))
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
