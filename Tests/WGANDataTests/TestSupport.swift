import Foundation
import XCTest
@testable import WGANData

extension XCTestCase {
    /// A fresh folder, removed when the test ends.
    func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("WGANDataTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Asserts that `body` throws exactly `expected`.
    func assertThrows<T>(_ expected: DataError, file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> T) {
        assertThrows(where: { $0 == expected }, file: file, line: line, body)
    }

    /// Asserts that `body` throws a `DataError` for which `matches` holds.
    func assertThrows<T>(where matches: (DataError) -> Bool, file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> T) {
        do {
            _ = try body()
            XCTFail("expected an error, got none", file: file, line: line)
        } catch let error as DataError {
            XCTAssertTrue(matches(error), "unexpected error: \(error)", file: file, line: line)
        } catch {
            XCTFail("expected a DataError, got \(error)", file: file, line: line)
        }
    }
}

/// Builds unsigned-byte IDX files.
enum IDXBuilder {
    static func bytes(dimensions: [Int], payload: [UInt8], magic: UInt32? = nil) -> [UInt8] {
        var out = bigEndian(magic ?? (0x0800 | UInt32(dimensions.count)))
        for size in dimensions { out += bigEndian(UInt32(size)) }
        return out + payload
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    /// Writes an image file and a label file for `split` into `directory`.
    static func writeSplit(_ split: ImageDataset.Split, in directory: URL, height: Int, width: Int,
                           pixels: [UInt8], labels: [UInt8]) throws {
        let images = bytes(dimensions: [labels.count, height, width], payload: pixels)
        try Data(images).write(to: directory.appendingPathComponent(split.imagesFileName))
        let labelFile = bytes(dimensions: [labels.count], payload: labels)
        try Data(labelFile).write(to: directory.appendingPathComponent(split.labelsFileName))
    }
}

/// Compresses `file` to `file.gz` with the system's `gzip`, removing the original.
func gzipFile(_ file: URL) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-n", "-f", file.path]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
    }
}

/// `sha256sum`-style text for `files` in `directory`.
func checksumLines(for files: [String], in directory: URL) throws -> String {
    try files.map { name in
        let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
        return SHA256.hex(SHA256.hash(bytes)) + "  " + name + "\n"
    }.joined()
}
