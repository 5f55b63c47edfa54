/// numpy's legacy `np.random.RandomState(seed)` as far as `choice(n, size, replace=False)`: the
/// Mersenne Twister MT19937 seeded by `init_genrand`, and a subset taken as the first `size`
/// entries of a Fisher–Yates permutation whose bounded draws mask the 32-bit output and reject
/// values above the bound. torch-fidelity draws its KID subsets this way (seed 2020), so the
/// same subsets give the same KID.
struct LegacyRandomState {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    /// The next 32-bit output (`genrand_int32`).
    mutating func next() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            state[i] = state[(i + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
        }
        index = 0
    }

    /// A value in 0...bound (`random_interval`): the output masked to the bound's bit length,
    /// drawn again while it exceeds the bound.
    mutating func interval(_ bound: Int) -> Int {
        guard bound > 0 else { return 0 }
        precondition(bound <= Int(UInt32.max), "bounds above 2³² − 1 draw 64-bit values in numpy")
        var mask = UInt32(bound)
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16
        while true {
            let value = next() & mask
            if value <= UInt32(bound) { return Int(value) }
        }
    }

    /// `choice(count, size, replace=False)`: the first `size` entries of `permutation(count)`.
    mutating func choice(_ count: Int, size: Int) -> [Int] {
        var permutation = Array(0..<count)
        for i in stride(from: count - 1, through: 1, by: -1) {
            permutation.swapAt(i, interval(i))
        }
        return Array(permutation.prefix(size))
    }
}
