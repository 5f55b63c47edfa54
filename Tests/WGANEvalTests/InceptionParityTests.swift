import Foundation
import TensorFormats
import WGANEngine
import XCTest
@testable import WGANEval

/// The FID Inception network against PyTorch's float64 outputs (`../shared/fixtures/
/// inception_features.safetensors`) with weights from the fixture's formula and its stored
/// BatchNorm statistics, for 32×32 and 64×64 images.
final class InceptionParityTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/fixtures").standardizedFileURL

    /// The fixture's weights: the tensor at sorted position j is filled in row-major order from
    /// x ← 1664525·x + 1013904223 (mod 2³²) started at x = j + 1, u = x/2³² − ½ after each step,
    /// scaled by the key's rule in double precision and rounded to Float; then every BatchNorm
    /// running statistic is replaced by the file's `stats.<key>`.
    static func formulaWeights(stats: SafeTensors) throws -> InceptionWeights {
        let keysURL = fixtures.appendingPathComponent("inception_keys.json")
        let entries = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: keysURL)) as? [[String: Any]])
        var tensors: [String: Tensor] = [:]
        for (j, entry) in entries.enumerated() {
            let key = try XCTUnwrap(entry["key"] as? String), shape = try XCTUnwrap(entry["shape"] as? [Int])
            guard !key.hasSuffix("num_batches_tracked") else { continue }
            if key.hasSuffix("running_mean") || key.hasSuffix("running_var") {
                tensors[key] = Tensor(try stats.floats("stats.\(key)"), shape: shape)
                continue
            }
            let count = shape.reduce(1, *)
            let fanIn = key == "fc.weight" ? 2048 : shape.dropFirst().reduce(1, *)
            let value: (Double) -> Double
            switch key {
            case _ where key.hasSuffix("bn.weight"): value = { 1 + 0.2 * $0 }
            case _ where key.hasSuffix("bn.bias"): value = { 0.2 * $0 }
            case "fc.bias": value = { 0.1 * $0 }
            default: value = { [scale = (24 / Double(fanIn)).squareRoot()] in $0 * scale }
            }
            var x = UInt32(j + 1)
            let values = (0..<count).map { _ -> Float in
                x = 1_664_525 &* x &+ 1_013_904_223
                return Float(value(Double(x) / 4_294_967_296 - 0.5))
            }
            tensors[key] = Tensor(values, shape: shape)
        }
        XCTAssertEqual(entries.count, 566, "the keys of pytorch-fid's state dict")
        return InceptionWeights(tensors)
    }

    /// Relative error ‖a − b‖ / ‖b‖.
    private func relativeError(_ actual: [Float], _ expected: [Double]) -> Double {
        var difference = 0.0, norm = 0.0
        for (a, b) in zip(actual, expected) { difference += (Double(a) - b) * (Double(a) - b); norm += b * b }
        return difference.squareRoot() / norm.squareRoot()
    }

    /// `values` [N, D] minus the mean of each column over the N rows.
    private func centred<T: BinaryFloatingPoint>(_ values: [T], rows: Int) -> [Double] {
        let columns = values.count / rows
        var means = [Double](repeating: 0, count: columns)
        for (i, value) in values.enumerated() { means[i % columns] += Double(value) / Double(rows) }
        return values.enumerated().map { Double($0.element) - means[$0.offset % columns] }
    }

    func testPool3LogitsAndBlocksMatchPyTorchForBothImageSizes() throws {
        try BLAS.load()
        Parallel.threads = 2
        let file = try SafeTensors(contentsOf: Self.fixtures.appendingPathComponent("inception_features.safetensors"))
        let network = try InceptionNetwork(weights: Self.formulaWeights(stats: file))
        var checked = 0
        for set in ["images32", "images64"] {
            let entry = try XCTUnwrap(file[set])
            XCTAssertEqual(entry.dtype, .u8)
            let images = Tensor(entry.bytes.map { Float($0) / 255 }, shape: entry.shape)
            let outputs = network(images)
            let n = entry.shape[0]
            let pool3 = try file.doubles("\(set).pool3")
            let pool3Error = relativeError(outputs.pool3.scalars, pool3)
            XCTAssertLessThanOrEqual(pool3Error, 2e-4, "\(set).pool3")
            let centredError = relativeError(centred(outputs.pool3.scalars, rows: n).map(Float.init), centred(pool3, rows: n))
            XCTAssertLessThanOrEqual(centredError, 1e-3, "\(set).pool3 centred")
            let logitsError = relativeError(outputs.logits.scalars, try file.doubles("\(set).logits_unbiased"))
            XCTAssertLessThanOrEqual(logitsError, 2e-4, "\(set).logits_unbiased")
            for (block, means) in outputs.blockMeans.enumerated() {
                let error = relativeError(means.scalars, try file.doubles("\(set).block\(block)_channel_means"))
                XCTAssertLessThanOrEqual(error, 2e-4, "\(set).block\(block)_channel_means")
                checked += 1
            }
            print("\(set): pool3 \(pool3Error), centred \(centredError), logits \(logitsError)")
            checked += 3
        }
        XCTAssertEqual(checked, 12)
    }
}
