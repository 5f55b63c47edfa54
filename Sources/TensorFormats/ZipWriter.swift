import Foundation

/// Writes zip archives of stored (uncompressed) entries, as `numpy.savez` does, so that `ZipArchive`,
/// Python's `zipfile` and `numpy.load` read them.
///
/// Plain zip fields only: an entry, an offset or the directory past 4 GiB (or more than 65,534
/// entries) is refused rather than written with ZIP64 records, which no file of this package needs.
public enum ZipWriter {
    /// The archive holding `entries` in order, each stored with its CRC-32; names must be unique.
    ///
    /// Every entry has the same time stamp (1980-01-01 00:00, the earliest a zip can hold), so that
    /// the same entries always give the same bytes.
    public static func stored(_ entries: [(name: String, bytes: Data)]) throws(ZipError) -> Data {
        let limit = Int(UInt32.max) - 1
        guard entries.count < Int(UInt16.max) else { throw .cannotEncode("\(entries.count) entries (at most 65,534 are written)") }
        var names = Set<String>()
        var archive = Data()
        var directory = Data()
        for (name, bytes) in entries {
            let nameBytes = Array(name.utf8)
            guard names.insert(name).inserted else { throw .cannotEncode("two entries are named '\(name)'") }
            guard !nameBytes.isEmpty, nameBytes.count <= Int(UInt16.max) else { throw .cannotEncode("the entry name '\(name)' is empty or too long") }
            guard bytes.count <= limit, archive.count <= limit else { throw .cannotEncode("entry '\(name)' lies past 4 GiB") }
            let crc = bytes.withUnsafeBytes(ZipArchive.crc32)
            // Bit 11: the name is UTF-8 (set only when it is not ASCII, as Python's zipfile does).
            let flags: UInt16 = nameBytes.allSatisfy { $0 < 0x80 } ? 0 : 0x800
            var fields = Fields()
            fields.append(20, as: UInt16.self)                              // version needed: 2.0
            fields.append(flags, as: UInt16.self)
            fields.append(0, as: UInt16.self)                               // method: stored
            fields.append(0, as: UInt16.self)                               // time 00:00:00
            fields.append(0x21, as: UInt16.self)                            // date 1980-01-01
            fields.append(crc, as: UInt32.self)
            fields.append(UInt32(bytes.count), as: UInt32.self)             // compressed size
            fields.append(UInt32(bytes.count), as: UInt32.self)             // size
            fields.append(UInt16(nameBytes.count), as: UInt16.self)
            fields.append(0, as: UInt16.self)                               // extra field length

            var local = Fields()
            local.append(0x0403_4B50, as: UInt32.self)
            local.data.append(fields.data)
            var central = Fields()
            central.append(0x0201_4B50, as: UInt32.self)
            central.append(3 << 8 | 20, as: UInt16.self)                    // made by: Unix, 2.0
            central.data.append(fields.data)
            central.append(0, as: UInt16.self)                              // comment length
            central.append(0, as: UInt16.self)                              // disk
            central.append(0, as: UInt16.self)                              // internal attributes
            central.append(0o100644 << 16, as: UInt32.self)                 // a regular file, rw-r--r--
            central.append(UInt32(archive.count), as: UInt32.self)          // local header offset

            archive.append(local.data)
            archive.append(contentsOf: nameBytes)
            archive.append(bytes)
            directory.append(central.data)
            directory.append(contentsOf: nameBytes)
        }
        guard archive.count <= limit, directory.count <= limit else { throw .cannotEncode("the archive is larger than 4 GiB") }
        var end = Fields()
        end.append(0x0605_4B50, as: UInt32.self)
        end.append(0, as: UInt16.self)                                      // this disk
        end.append(0, as: UInt16.self)                                      // the directory's disk
        end.append(UInt16(entries.count), as: UInt16.self)
        end.append(UInt16(entries.count), as: UInt16.self)
        end.append(UInt32(directory.count), as: UInt32.self)
        end.append(UInt32(archive.count), as: UInt32.self)
        end.append(0, as: UInt16.self)                                      // comment length
        archive.append(directory)
        archive.append(end.data)
        return archive
    }
}

/// Little-endian header fields appended in order.
private struct Fields {
    var data = Data()

    mutating func append<Field: FixedWidthInteger>(_ value: Field, as _: Field.Type) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }
}
