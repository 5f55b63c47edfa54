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
