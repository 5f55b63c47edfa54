import Foundation
import TensorFormats
import WGANEngine
import WGANNN
import XCTest

/// A PyTorch fixture from `../shared/fixtures`: float32 inputs and starting values, float64
/// results, and a tolerance file with each result's bound. Records which keys were checked, so a
/// test can assert that none was left out.
final class PyTorchFixture {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/fixtures").standardizedFileURL

    let file: SafeTensors
    let tolerances: [String: [String: Any]]
    private(set) var checked: Set<String> = []
    /// Each checked key's measured error, in its tolerance's measure (relative, max |a|, or 0 when exact).
    private(set) var errors: [String: Double] = [:]

    /// This repository's own fixtures, made by its PyTorch ports under `bench/` (`--fixture`).
    static let ownFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Reads `<name>.safetensors` and `<name>_tolerances.json` from `folder` (the shared fixtures by
    /// default); fails the test when either is missing.
    init(_ name: String, in folder: URL = PyTorchFixture.folder) throws {
        let weights = folder.appendingPathComponent("\(name).safetensors")
        let bounds = folder.appendingPathComponent("\(name)_tolerances.json")
        guard FileManager.default.fileExists(atPath: weights.path), FileManager.default.fileExists(atPath: bounds.path) else {
            XCTFail("PyTorch fixtures not found at \(folder.path): the shared/ folder must sit beside the package")
            throw XCTSkip("fixtures missing")
        }
        file = try SafeTensors(contentsOf: weights)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: bounds)) as? [String: Any]
        tolerances = try XCTUnwrap(json?["tolerances"] as? [String: [String: Any]])
    }

    /// The values under `name` as a Float tensor.
    func tensor(_ name: String) throws -> Tensor {
        Tensor(try file.doubles(name).map(Float.init), shape: try file.shape(of: name))
    }

    /// The entries under `prefix`, as a state dict to load (float64 results rounded to Float).
    func stateDict(prefix: String) throws -> [String: LoadedValue] {
        var values: [String: LoadedValue] = [:]
        for name in file.names where name.hasPrefix(prefix) {
            let key = String(name.dropFirst(prefix.count))
            switch try file.dtype(of: name) {
            case .i64:
                values[key] = .integer(try file.int64s(name)[0])
            case .f64:
                values[key] = .floats(try file.doubles(name).map(Float.init), shape: try file.shape(of: name))
            default:
                values[key] = .floats(try file.floats(name), shape: try file.shape(of: name))
            }
        }
        return values
    }

    func check(_ key: String, _ actual: Tensor, file: StaticString = #filePath, line: UInt = #line) throws {
        try check(key, actual.scalars, file: file, line: line)
    }

    /// Compares with the float64 value under the key's own measure.
    func check(_ key: String, _ actual: [Float], file: StaticString = #filePath, line: UInt = #line) throws {
        let bound = try XCTUnwrap(tolerances[key], "no tolerance for \(key)", file: file, line: line)
        let expected = try self.file.dtype(of: key) == .i64 ? self.file.int64s(key).map(Double.init) : self.file.doubles(key)
        XCTAssertEqual(actual.count, expected.count, "\(key): element count", file: file, line: line)
        checked.insert(key)
        if let rel = bound["rel"] as? Double {
            var diff = 0.0, norm = 0.0
            for (a, b) in zip(actual, expected) { diff += (Double(a) - b) * (Double(a) - b); norm += b * b }
            let error = diff.squareRoot() / max(norm.squareRoot(), 1e-300)
            errors[key] = error
            XCTAssertLessThanOrEqual(error, rel, "\(key): relative error \(error) > \(rel)", file: file, line: line)
        } else if let abs = bound["abs"] as? Double {
            let worst = actual.map { Double(Swift.abs($0)) }.max() ?? 0
            errors[key] = worst
            XCTAssertLessThanOrEqual(worst, abs, "\(key): max |a| = \(worst) > \(abs)", file: file, line: line)
        } else if bound["exact"] as? Bool == true {
            errors[key] = 0
            XCTAssertEqual(actual.map(Double.init), expected, "\(key): not exactly equal", file: file, line: line)
        } else {
            XCTFail("\(key): unknown tolerance \(bound)", file: file, line: line)
        }
    }

    /// Asserts that every key of the tolerance file accepted by `included` was checked.
    func assertEveryToleranceChecked(where included: (String) -> Bool = { _ in true }, file: StaticString = #filePath,
                                     line: UInt = #line) {
        let expected = Set(tolerances.keys.filter(included))
        XCTAssertTrue(expected.subtracting(checked).isEmpty, "tolerance keys not checked: \(expected.subtracting(checked).sorted())",
                      file: file, line: line)
        XCTAssertEqual(checked, expected, file: file, line: line)
    }
}
