import Foundation

/// The 2-D distributions of the paper's toy experiments, generated exactly as the official
/// `gan_toy.py` does (its numpy draws replaced by `rng`'s), each scaled to unit spread as there.
public enum ToyDataset: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Eight Gaussians of standard deviation 0.02 on a circle of radius 2, divided by 1.414.
    case eightGaussians = "8gaussians"
    /// A 5×5 grid of Gaussians of standard deviation 0.05 at (2x, 2y), divided by 2.828.
    case twentyFiveGaussians = "25gaussians"
    /// scikit-learn's `make_swiss_roll(noise=0.25)`, coordinates 0 and 2, divided by 7.5.
    case swissRoll = "swissroll"

    /// The dataset called `name`, or nil.
    public static func named(_ name: String) -> ToyDataset? { ToyDataset(rawValue: name) }

    /// The names `--dataset` takes for toy data, for messages.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    public var description: String { rawValue }

    /// The official code's divisor, which brings each set to roughly unit spread.
    var scale: Double {
        switch self {
        case .eightGaussians: 1.414
        case .twentyFiveGaussians: 2.828
        case .swissRoll: 7.5
        }
    }

    /// The mixture's centres after scaling, or nil for the Swiss roll.
    public var modes: [SIMD2<Double>]? {
        switch self {
        case .eightGaussians:
            let d = 1 / 2.0.squareRoot()
            let unit: [SIMD2<Double>] = [[1, 0], [-1, 0], [0, 1], [0, -1], [d, d], [d, -d], [-d, d], [-d, -d]]
            return unit.map { 2 * $0 / scale }
        case .twentyFiveGaussians:
            return (-2...2).flatMap { x in (-2...2).map { y in SIMD2(2 * Double(x), 2 * Double(y)) / scale } }
        case .swissRoll:
            return nil
        }
    }

    /// Each mode's standard deviation after scaling, or nil for the Swiss roll.
    public var modeStandardDeviation: Double? {
        switch self {
        case .eightGaussians: 0.02 / scale
        case .twentyFiveGaussians: 0.05 / scale
        case .swissRoll: nil
        }
    }

    /// How many points the 25-Gaussian set holds (the official code's 100,000), drawn once per run.
    public static let twentyFiveGaussiansCount = 100_000

    /// Whether every batch is drawn afresh (8 Gaussians, Swiss roll) rather than read in order
    /// from a set drawn once (25 Gaussians).
    public var drawsFreshBatches: Bool { self != .twentyFiveGaussians }

    /// `count` fresh points, [x0, y0, x1, y1, ...]: a mode picked uniformly plus Gaussian noise,
    /// or a point of the Swiss roll.
    public func sample(_ count: Int, using rng: inout some RandomNumberGenerator) -> [Float] {
        var points = [Float]()
        points.reserveCapacity(2 * count)
        switch self {
        case .eightGaussians, .twentyFiveGaussians:
            let centres = (modes ?? []).map { $0 * scale }, spread = (modeStandardDeviation ?? 0) * scale
            for _ in 0..<count {
                let centre = centres[Int.random(in: 0..<centres.count, using: &rng)]
                let point = (centre + spread * SIMD2(rng.normal(), rng.normal())) / scale
                points += [Float(point.x), Float(point.y)]
            }
        case .swissRoll:
            // make_swiss_roll: t = 1.5π(1 + 2u), (t cos t, 21v, t sin t) plus 0.25·N(0, 1) on each axis;
            // the official code keeps coordinates 0 and 2. The y draw is kept so the noise lines up.
            for _ in 0..<count {
                let t = 1.5 * Double.pi * (1 + 2 * Double.random(in: 0..<1, using: &rng))
                _ = Double.random(in: 0..<1, using: &rng)
                let x = t * cos(t) + 0.25 * rng.normal(), z = t * sin(t) + 0.25 * rng.normal()
                points += [Float(x / scale), Float(z / scale)]
            }
        }
        return points
    }

    /// The official 25-Gaussian set: 4,000 points at each centre, shuffled once.
    public static func twentyFiveGaussiansSet(using rng: inout some RandomNumberGenerator) -> [Float] {
        let dataset = ToyDataset.twentyFiveGaussians
        let centres = (dataset.modes ?? []).map { $0 * dataset.scale }
        var points = [SIMD2<Double>]()
        points.reserveCapacity(twentyFiveGaussiansCount)
        for _ in 0..<(twentyFiveGaussiansCount / centres.count) {
            for centre in centres { points.append(centre + 0.05 * SIMD2(rng.normal(), rng.normal())) }
        }
        points.shuffle(using: &rng)
        return points.flatMap { [Float($0.x / dataset.scale), Float($0.y / dataset.scale)] }
    }
}

extension RandomNumberGenerator {
    /// A standard normal draw (Box–Muller; one of the pair is used, so each draw costs two uniforms).
    mutating func normal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self), u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
