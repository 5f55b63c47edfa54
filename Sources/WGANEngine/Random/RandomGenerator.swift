#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded, reproducible random generator (xoshiro256**, seeded through SplitMix64).
///
/// Everything random in a run (initial weights, latent vectors, shuffling, interpolation
/// weights) draws from generators of this type, so a run is reproducible bit for bit for a
/// seed, and the whole state is four words that a checkpoint can save and restore.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
    /// The four state words, for checkpoints.
    public private(set) var state: [UInt64]

    public init(seed: UInt64) {
        var s = seed
        state = (0..<4).map { _ in RandomGenerator.splitMix64(&s) }
    }

    /// Restores a generator saved from `state`; nil unless it is four words, not all zero.
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        self.state = state
    }

    private static func splitMix64(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        let result = ((state[1] &* 5) <<< 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = state[3] <<< 45
        return result
    }

    /// Uniform in [0, 1), with 24 random bits (every Float of the form k·2⁻²⁴).
    public mutating func uniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform in [0, bound), unbiased (Lemire's multiply-and-reject), independent of the
    /// standard library's algorithms so that shuffles stay the same across Swift versions.
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, integer(below: i + 1)) }
        }
        return p
    }

    /// Fills `buffer` with values uniform in [low, high).
    public mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, low: Float = 0, high: Float = 1) {
        let width = high - low
        for i in buffer.indices { buffer[i] = low + width * uniform() }
    }

    /// Fills `buffer` with normal values (Box–Muller in Double, both values of each pair used).
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0, std: Float = 1) {
        var i = 0
        while i < buffer.count {
            // u1 in (0, 1] so the log is finite.
            let u1 = (Double(next() >> 11) + 1) * (1.0 / 9_007_199_254_740_992.0)
            let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
            let r = (-2 * log(u1)).squareRoot()
            let theta = 2 * Double.pi * u2
            buffer[i] = mean + std * Float(r * cos(theta))
            if i + 1 < buffer.count { buffer[i + 1] = mean + std * Float(r * sin(theta)) }
            i += 2
        }
    }
}

infix operator <<< : BitwiseShiftPrecedence
private func <<< (x: UInt64, k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

extension Tensor {
    /// Values uniform in [low, high) (PyTorch's `torch.rand` scaled, or `uniform_`).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, using rng: inout RandomGenerator) -> Tensor {
        let out = TensorStorage(uninitializedCount: Shape.count(shape))
        rng.fillUniform(out.buffer, low: low, high: high)
        return Tensor(storage: out, shape: shape)
    }

    /// Standard normal values (PyTorch's `torch.randn`).
    public static func randn(_ shape: [Int], mean: Float = 0, std: Float = 1, using rng: inout RandomGenerator) -> Tensor {
        let out = TensorStorage(uninitializedCount: Shape.count(shape))
        rng.fillNormal(out.buffer, mean: mean, std: std)
        return Tensor(storage: out, shape: shape)
    }
}
