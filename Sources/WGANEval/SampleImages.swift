import Foundation
import TensorFormats
import WGANEngine

/// Samples handed to `wgan evaluate --samples`: a `.npy` array of N images, as uint8 (0–255) or
/// float32/float64 in a range the caller names, shaped [N, H, W], [N, C, H, W] or [N, H·W·C].
public enum SampleImages {
    /// The images of `url` as [N, C, H, W] in [0, 1], for images of `imageShape` [C, H, W].
    ///
    /// - Parameter range: the values' range for float arrays (e.g. −1...1 for a tanh generator);
    ///   uint8 arrays are 0–255 and need none.
    /// - Throws: `EvaluationError.samples`, one line, for an unreadable file, a shape that is not
    ///   N images of `imageShape`, a float array without a range, NaN or values outside the range.
    public static func read(_ url: URL, imageShape: [Int], range: ClosedRange<Float>?) throws(EvaluationError) -> Tensor {
        let array: NPYArray
        do {
            array = try NPYArray(contentsOf: url)
        } catch {
            throw .invalid("--samples: \(error)")  // the error names the file
        }
        let values: ClosedRange<Float>
        switch (array.elementType, range) {
        case (.uint8, _): values = 0...255
        case (_, let range?): values = range
        case (_, nil):
            throw .samples(path: url.path, problem: "\(array.elementType == .float32 ? "float32" : "float64") samples need --range LOW,HIGH "
                           + "(e.g. -1,1 for the seed's tanh, 0,1 for mnist-dcgan)")
        }
        return try images(array.values, shape: array.shape, imageShape: imageShape, range: values, path: url.path)
    }

    /// `values` of `shape` checked and scaled from `range` to [0, 1], as [N] + `imageShape`.
    public static func images(_ values: [Float], shape: [Int], imageShape: [Int], range: ClosedRange<Float>,
                              path: String) throws(EvaluationError) -> Tensor {
        let pixels = imageShape.reduce(1, *)
        let accepted = [[imageShape[1], imageShape[2]], imageShape, [pixels]]
        guard let n = shape.first, n >= 2, accepted.contains(Array(shape.dropFirst())) else {
            let dims = accepted.map { "[N, " + $0.map(String.init).joined(separator: ", ") + "]" }.joined(separator: ", ")
            throw .samples(path: path, problem: "shape \(shape) is not N ≥ 2 images of \(imageShape.map(String.init).joined(separator: "×")) (\(dims))")
        }
        guard range.upperBound > range.lowerBound else {
            throw .samples(path: path, problem: "the range \(range.lowerBound),\(range.upperBound) is empty")
        }
        // Values within a hair of the range are rounding (a sigmoid's 1.0000001); beyond, a wrong range.
        let slack = (range.upperBound - range.lowerBound) * 1e-3
        let width = range.upperBound - range.lowerBound
        let storage = TensorStorage(uninitializedCount: values.count)
        let out = storage.pointer
        for (i, v) in values.enumerated() {
            guard v.isFinite else { throw .samples(path: path, problem: "value \(i) (image \(i / pixels)) is \(v)") }
            guard v >= range.lowerBound - slack, v <= range.upperBound + slack else {
                throw .samples(path: path, problem: "value \(i) (image \(i / pixels)) is \(v), outside the range "
                               + "\(range.lowerBound),\(range.upperBound); give the samples' range with --range")
            }
            // A division, as the dataset's own byte / 255: uint8 samples of real images give its values to the bit.
            out[i] = min(1, max(0, (v - range.lowerBound) / width))
        }
        return Tensor(storage: storage, shape: [n] + imageShape)
    }

    /// "LOW,HIGH" as a range, or nil.
    public static func parseRange(_ text: String) -> ClosedRange<Float>? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let low = parts[0], let high = parts[1], low.isFinite, high.isFinite, low < high else { return nil }
        return low...high
    }
}
