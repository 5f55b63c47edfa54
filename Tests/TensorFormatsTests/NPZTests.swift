import Foundation
import TensorFormats
import XCTest

/// `.npz` files: numpy's own (stored and compressed), round trips, and what is refused.
final class NPZTests: XCTestCase {
    private let mu: [Double] = [0.1, -2.5, 3.25, 1e-300]
    private let sigma: [Double] = [1.0, 0.5, 0.25, 0.125, 0.5, 2.0, -1.0, 1e10, 0.25, -1.0, 3.0, 0.0, 0.125, 1e10, 0.0, 4.0]

    /// `np.savez` and `np.savez_compressed` files (Fixtures/make_fixtures.py) read to their exact values.
    func testNumPyFilesReadExactly() throws {
        for file in ["stats.npz", "stats_compressed.npz"] {
            let arrays = try NPZFile.read(contentsOf: FixtureFiles.fixtures.appendingPathComponent(file))
            XCTAssertEqual(arrays.names, ["mu", "sigma", "features", "counts"], file)
            XCTAssertEqual(try arrays.doubles("mu"), mu, file)
            XCTAssertEqual(try arrays.shape(of: "mu"), [4])
            XCTAssertEqual(try arrays.doubles("sigma"), sigma, file)
            XCTAssertEqual(try arrays.shape(of: "sigma"), [4, 4])
            XCTAssertEqual(try arrays.floats("features"), [0, 1, 2, 3, 4, 5].map { Float($0) / 3 }, file)
            XCTAssertEqual(try arrays.int64s("counts"), [7, -8, 1 << 40], file)
        }
    }

    /// What `NPZFile` writes holds, entry for entry, the bytes of the `.npy` files numpy wrote.
    func testEntriesAreTheBytesNumPyWrites() throws {
        let numpy = try ZipArchive(bytes: FixtureFiles.bytes(FixtureFiles.fixtures.appendingPathComponent("stats.npz")))
        let arrays = try NPZFile.read(bytes: FixtureFiles.bytes(FixtureFiles.fixtures.appendingPathComponent("stats.npz")))
        let ours = try ZipArchive(bytes: [UInt8](try NPZFile.encoded(arrays)))
        XCTAssertEqual(ours.entries.map(\.name), numpy.entries.map(\.name))
        for entry in numpy.entries {
            XCTAssertEqual(try ours.contents(named: entry.name), try numpy.contents(of: entry), entry.name)
        }
    }

    /// pytorch-fid's statistics at full size (mu [2048], sigma [2048, 2048] float64) survive a write
    /// and a read bit for bit, and the write replaces the file atomically.
    func testStatisticsRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        var arrays = SafeTensors()
        try arrays.set("mu", doubles: (0..<2048).map { _ in Double.random(in: -1...1, using: &generator) }, shape: [2048])
        try arrays.set("sigma", doubles: (0..<2048 * 2048).map { Double($0 % 977) * 1e-3 - 0.4 }, shape: [2048, 2048])
        try arrays.set("n", int64s: [50_000], shape: [])
        let url = try temporaryFolder(for: self).appendingPathComponent("stats.npz")
        try Data("old".utf8).write(to: url)
        try NPZFile.write(arrays, to: url)
        XCTAssertEqual(try NPZFile.read(contentsOf: url), arrays)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path), ["stats.npz"])
    }

    func testWhatIsRefused() throws {
        var bfloat = SafeTensors()
        try bfloat.set("b", dtype: .bf16, shape: [1], bytes: Data([0, 0]))
        XCTAssertEqual(thrownError(NPZError.self) { () throws(NPZError) in try NPZFile.encoded(bfloat) }, .unsupportedDType(entry: "b", dtype: "BF16"))
        let notNPY = [UInt8](try ZipWriter.stored([("x.npy", Data("text".utf8))]))
        XCTAssertEqual(thrownError(NPZError.self) { () throws(NPZError) in try NPZFile.read(bytes: notNPY) }, .entry(name: "x.npy", .notNPY))
        var small = SafeTensors()
        try small.set("x", floats: [1], shape: [1])
        let npy = Data(try ZipArchive(bytes: [UInt8](try NPZFile.encoded(small))).contents(named: "x.npy"))
        let twice = [UInt8](try ZipWriter.stored([("x.npy", npy), ("x", npy)]))
        XCTAssertEqual(thrownError(NPZError.self) { () throws(NPZError) in try NPZFile.read(bytes: twice) }, .duplicateName("x"))
        let missing = try temporaryFolder(for: self).appendingPathComponent("none.npz")
        guard case .cannotRead? = thrownError(NPZError.self, { () throws(NPZError) in try NPZFile.read(contentsOf: missing) }) else { return XCTFail() }
        // Every prefix of numpy's compressed file: a one-line error, never a trap.
        let bytes = try FixtureFiles.bytes(FixtureFiles.fixtures.appendingPathComponent("stats_compressed.npz"))
        for length in 0..<bytes.count {
            let error = thrownError(NPZError.self) { () throws(NPZError) in try NPZFile.read(bytes: Array(bytes[..<length])) }
            XCTAssertFalse(error.map { "\($0)".contains("\n") } ?? true, "cut at \(length)")
        }
    }
}
