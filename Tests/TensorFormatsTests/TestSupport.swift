import Foundation
import XCTest

/// The error `body` throws, typed; records a failure and returns nil when it returns normally.
func thrownError<Failure: Error, Result>(
    _: Failure.Type, file: StaticString = #filePath, line: UInt = #line, _ body: () throws(Failure) -> Result
) -> Failure? {
    do {
        _ = try body()
        XCTFail("expected an error, got a value", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

/// A safetensors file built by hand: the 8-byte little-endian length of `header`, `header`, `buffer`.
func safetensorsBytes(header: String, buffer: [UInt8] = []) -> Data {
    safetensorsBytes(headerBytes: Array(header.utf8), buffer: buffer)
}

func safetensorsBytes(headerBytes: [UInt8], buffer: [UInt8] = []) -> Data {
    var data = Data()
    withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: headerBytes)
    data.append(contentsOf: buffer)
    return data
}

/// A fresh empty folder, removed when the test ends.
func temporaryFolder(for testCase: XCTestCase) throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("TensorFormatsTests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
    return folder
}
