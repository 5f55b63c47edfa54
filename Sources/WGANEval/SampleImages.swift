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
        let (array, values) = try open(url, range: range)
        return try images(array.values, shape: array.shape, imageShape: imageShape, range: values, path: url.path)
    }

    /// The array in `url` and the range of its values.
    private static func open(_ url: URL, range: ClosedRange<Float>?) throws(EvaluationError) -> (NPYArray, ClosedRange<Float>) {
        let array: NPYArray
        do {
            array = try NPYArray(contentsOf: url)
        } catch {
            throw .invalid("--samples: \(error)")  // the error names the file
        }
        switch (array.elementType, range) {
        case (.uint8, _): return (array, 0...255)
        case (_, let range?): return (array, range)
        case (_, nil):
            throw .samples(path: url.path, problem: "\(array.elementType == .float32 ? "float32" : "float64") samples need --range LOW,HIGH "
                           + "(e.g. -1,1 for the seed's tanh, 0,1 for mnist-dcgan)")
        }
    }

    /// The images of `url` as [N, C, H, W] in [0, 1], whatever their size: [N, C, H, W] with C 1
    /// or 3 (PyTorch's layout), [N, H, W, 3] (numpy's and TensorFlow's), or [N, H, W] (grey).
    public static func read(_ url: URL, range: ClosedRange<Float>?) throws(EvaluationError) -> Tensor {
        let (array, values) = try open(url, range: range)
        let shape = array.shape
        switch shape.count {
        case 4 where shape[1] == 1 || shape[1] == 3:
            return try images(array.values, shape: shape, imageShape: Array(shape.dropFirst()), range: values, path: url.path)
        case 4 where shape[3] == 3:
            // Checked as [N, H·W·3], then moved to channels first.
            let (n, h, w) = (shape[0], shape[1], shape[2])
            let pixels = try images(array.values, shape: [n, h * w * 3], imageShape: [3, h, w], range: values, path: url.path)
            let out = TensorStorage(uninitializedCount: pixels.count), source = pixels.storage.pointer
            for i in 0..<n { for y in 0..<h { for x in 0..<w { for c in 0..<3 {
                out.pointer[((i * 3 + c) * h + y) * w + x] = source[((i * h + y) * w + x) * 3 + c]
            } } } }
            return Tensor(storage: out, shape: [n, 3, h, w])
        case 3: return try images(array.values, shape: shape, imageShape: [1, shape[1], shape[2]], range: values, path: url.path)
        default:
            throw .samples(path: url.path, problem: "shape \(shape) is not N images ([N, 3, H, W], [N, H, W, 3] or [N, H, W])")
        }
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
