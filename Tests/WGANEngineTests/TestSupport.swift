@testable import WGANEngine
import XCTest

/// Deterministic test inputs: values in [low, high), away from the kinks of relu and friends.
func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, using: &rng)
}

/// Values whose magnitude is at least `gap`, with random signs, so finite differences never
/// straddle the kink of relu-like functions.
func awayFromZero(_ shape: [Int], seed: UInt64, gap: Float = 0.1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let values = (0..<Shape.count(shape)).map { _ -> Float in
        let magnitude = gap + rng.uniform()
        return rng.uniform() < 0.5 ? -magnitude : magnitude
    }
    return Tensor(values, shape: shape)
}

func assertClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "element counts differ", file: file, line: line)
    for (i, (x, y)) in zip(a, b).enumerated() where abs(x - y) > tolerance * max(1, abs(y)) {
        XCTFail("element \(i): \(x) vs \(y)", file: file, line: line)
        return
    }
}

/// First and second derivative checks share these bounds: a wrong factor of 2 or a wrong sign
/// gives an error of order 1, rounding gives about 1e-4.
let firstOrderTolerance = 2e-3
let secondOrderTolerance = 5e-3

/// A weighted sum of every element, so that each output element's gradient gets its own weight.
func weightedSum(_ t: Tensor, seed: UInt64 = 99) -> Tensor {
    (t * randomTensor(t.shape, seed: seed)).sum()
}

/// First (and, unless turned off, second) derivatives of `f` against finite differences.
func check(
    _ name: String, _ inputs: [Tensor], secondOrder: Bool = true,
    file: StaticString = #filePath, line: UInt = #line, _ f: @escaping ([Tensor]) -> Tensor
) {
    let first = GradientCheck.firstOrderError(at: inputs) { weightedSum(f($0)) }
    XCTAssertLessThan(first, firstOrderTolerance, "\(name): first derivative", file: file, line: line)
    guard secondOrder else { return }
    let second = GradientCheck.secondOrderError(at: inputs) { weightedSum(f($0)) }
    XCTAssertLessThan(second, secondOrderTolerance, "\(name): second derivative", file: file, line: line)
}
