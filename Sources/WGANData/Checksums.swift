import Foundation
import WGANFiles

/// The digests listed in a folder's `SHA256SUMS` file, as `sha256sum` writes it.
struct SHA256Sums: Sendable {
    static let fileName = "SHA256SUMS"

    /// Lowercase hex digest by file name.
    let digests: [String: String]

    /// Parses `sha256sum` output: 64 hex digits, a space, then a space (text mode) or `*`
    /// (binary mode) and the file name. Blank lines are skipped.
    ///
    /// - Parameter path: names the file in errors.
    init(text: String, path: String) throws(DataError) {
        var digests: [String: String] = [:]
        // Swift reads "\r\n" as one newline character, so Windows line ends split the same way.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (number, line) in lines.enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            let digest = line.prefix(64)
            let rest = line.dropFirst(64)
            guard digest.count == 64, digest.allSatisfy({ $0.isASCII && $0.isHexDigit }), rest.first == " ",
                  let mode = rest.dropFirst().first, mode == " " || mode == "*"
            else { throw .malformedChecksumLine(path: path, line: number + 1) }
            let name = rest.dropFirst(2)
            guard !name.isEmpty else { throw .malformedChecksumLine(path: path, line: number + 1) }
            digests[String(name)] = digest.lowercased()
        }
        self.digests = digests
    }

    /// The sums in `directory`, or nil when it has no `SHA256SUMS` file.
    static func load(in directory: URL) throws(DataError) -> SHA256Sums? {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let bytes: [UInt8]
        do {
            // A checksum list is a few lines; a larger file is not one.
            bytes = try Files.read(url.path, limit: 1 << 20)
        } catch {
            throw .unreadable(path: url.path, reason: error.reason)
        }
        return try SHA256Sums(text: String(decoding: bytes, as: UTF8.self), path: url.path)
    }

    /// Whether `name` has a listed digest.
    func lists(_ name: String) -> Bool {
        digests[name] != nil
    }

    /// Checks `bytes`, the contents of the file `name` at `path`, when the list has a digest for it.
    func verify(_ bytes: [UInt8], name: String, path: String) throws(DataError) {
        guard let expected = digests[name] else { return }
        let actual = SHA256.hex(SHA256.hash(bytes))
        guard actual == expected else {
            throw .checksumMismatch(path: path, expected: expected, actual: actual)
        }
    }
}
