import Foundation
import TensorFormats
import XCTest

/// Reads the file PyTorch wrote (`shared/fixtures/seed_steps.safetensors`). The expected values were read
/// independently with Python (json + numpy.frombuffer), so they check the byte decoding, not just the parse.
final class SafeTensorsFixtureTests: XCTestCase {
    private static let fixture = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // TensorFormatsTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // the package root
        .appendingPathComponent("../shared/fixtures/seed_steps.safetensors")
        .standardizedFileURL

    private func readFixture() throws -> SafeTensors? {
        guard FileManager.default.fileExists(atPath: Self.fixture.path) else {
            XCTFail("fixture missing: \(Self.fixture.path)")
            return nil
        }
        return try SafeTensors(contentsOf: Self.fixture)
    }

    func testHeaderAsPyTorchWroteIt() throws {
        guard let tensors = try readFixture() else { return }
        XCTAssertEqual(tensors.names.count, 125)
        XCTAssertEqual(tensors.entries.filter { $0.dtype == .f32 }.count, 34)
        XCTAssertEqual(tensors.entries.filter { $0.dtype == .f64 }.count, 85)
        XCTAssertEqual(tensors.entries.filter { $0.dtype == .i64 }.count, 6)
        XCTAssertEqual(tensors.metadata, ["torch": "2.15.0+cu132"])
        XCTAssertEqual(tensors.names.first, "flat.step1.after.G.bn2.num_batches_tracked", "header order")
        XCTAssertEqual(try tensors.dtype(of: "init.G.linear1.weight"), .f32)
        XCTAssertEqual(try tensors.shape(of: "init.G.linear1.weight"), [128, 100])
        XCTAssertEqual(try tensors.shape(of: "flat.step0.grad.G.linear5.weight"), [784, 1024])
        XCTAssertEqual(try tensors.dtype(of: "flat.eval_samples"), .f64)
        XCTAssertEqual(try tensors.shape(of: "flat.eval_samples"), [16, 1, 28, 28])
    }

    func testBatchCountersAreInt64Scalars() throws {
        guard let tensors = try readFixture() else { return }
        XCTAssertEqual(try tensors.dtype(of: "init.G.bn2.num_batches_tracked"), .i64)
        XCTAssertEqual(try tensors.shape(of: "init.G.bn2.num_batches_tracked"), [])
        XCTAssertEqual(try tensors.int64s("init.G.bn2.num_batches_tracked"), [0])
        XCTAssertEqual(try tensors.int64s("flat.step1.after.G.bn4.num_batches_tracked"), [4])
    }

    func testFloat32ValuesMatchPython() throws {
        guard let tensors = try readFixture() else { return }
        let weight = try tensors.floats("init.G.linear1.weight")
        XCTAssertEqual(weight.count, 12_800)
        XCTAssertEqual(Array(weight.prefix(3)), [-0x1.8e2dbap-4, 0x1.0a5dc6p-5, 0x1.f8c25ap-6])
        XCTAssertEqual(weight.last, -0.07052929699420929)
        XCTAssertEqual(weight.reduce(0) { $0 + Double($1) }, 2.2522242963786994, accuracy: 1e-9)

        let z = try tensors.floats("step0.z")
        XCTAssertEqual(Array(z.prefix(3)), [-0.8431179523468018, -1.523220419883728, 0.7623010873794556])
        XCTAssertEqual(z.reduce(0) { $0 + Double($1) }, 140.16989981068764, accuracy: 1e-9)
    }

    func testFloat64ValuesMatchPython() throws {
        guard let tensors = try readFixture() else { return }
        let samples = try tensors.doubles("flat.eval_samples")
        XCTAssertEqual(samples.count, 16 * 28 * 28)
        XCTAssertEqual(Array(samples.prefix(3)), [-0.023044694131186202, -0.044120319605610185, -0.0081746400110333])
        XCTAssertEqual(samples.reduce(0, +), -177.64108348894322, accuracy: 1e-9)
        XCTAssertEqual(try tensors.doubles("flat.step0.loss_D"), [8.155856042353053])
        XCTAssertEqual(try tensors.doubles("flat.step0.gp"), [0.8168515368599416])
    }

    func testRewritingTheFixtureReproducesItByteForByte() throws {
        guard let tensors = try readFixture() else { return }
        let original = try Data(contentsOf: Self.fixture)
        let rewritten = tensors.encoded()
        XCTAssertEqual(rewritten.count, original.count)
        XCTAssertTrue(rewritten == original, "the layout and header format are the reference implementation's")
    }

    func testStreamingTheFixtureToAFileReproducesItByteForByte() throws {
        guard let read = try readFixture() else { return }
        // Rebuilt from values, so that the F32 and F64 entries hold arrays rather than the bytes read.
        var rebuilt = SafeTensors(metadata: read.metadata)
        for entry in read.entries {
            switch entry.dtype {
            case .f32: try rebuilt.set(entry.name, floats: try read.floats(entry.name), shape: entry.shape)
            case .f64: try rebuilt.set(entry.name, doubles: try read.doubles(entry.name), shape: entry.shape)
            case .i64: try rebuilt.set(entry.name, int64s: try read.int64s(entry.name), shape: entry.shape)
            default: try rebuilt.set(entry.name, dtype: entry.dtype, shape: entry.shape, bytes: entry.bytes)
            }
        }
        XCTAssertEqual(rebuilt, read)
        let folder = try temporaryFolder(for: self)
        for (label, tensors) in [("read", read), ("rebuilt", rebuilt)] {
            let url = folder.appendingPathComponent("\(label).safetensors")
            try tensors.write(to: url)
            XCTAssertTrue(try Data(contentsOf: url) == Data(contentsOf: Self.fixture), label)
        }
    }
}
