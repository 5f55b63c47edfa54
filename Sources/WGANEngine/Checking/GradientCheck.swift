/// Finite-difference checks of first and second derivatives, for tests of ops and models.
///
/// Central differences in Float with a step of about 1e-2 are accurate to roughly 1e-4
/// relative for smooth functions of values near 1: far tighter than the error a wrong factor
/// or sign in a derivative makes, which is what these checks are for.
public enum GradientCheck {
    /// The relative error ‖analytic − numeric‖ / ‖numeric‖ of the gradients of the scalar
    /// `f(inputs)` with respect to every input, over all inputs together.
    public static func firstOrderError(
        at inputs: [Tensor], step: Float = 1e-2, _ f: ([Tensor]) -> Tensor
    ) -> Double {
        let leaves = inputs.map { $0.copy().requiringGrad() }
        let analytic = gradients(of: f(leaves), withRespectTo: leaves)
        // f runs with recording on: it may take gradients itself, as a penalty does.
        let numeric = numericGradients(at: leaves, step: step) { xs in Double(f(xs).item) }
        return relativeError(analytic, numeric)
    }

    /// Checks second derivatives the way a gradient penalty uses them: the scalar
    /// S(x) = Σₖ ⟨wₖ, ∂f/∂xₖ⟩ + ‖∂f/∂x‖² is built from the first derivatives with `createGraph`,
    /// differentiated again, and compared with finite differences of S.
    public static func secondOrderError(
        at inputs: [Tensor], step: Float = 1e-2, seed: UInt64 = 7, _ f: ([Tensor]) -> Tensor
    ) -> Double {
        var rng = RandomGenerator(seed: seed)
        let weights = inputs.map { Tensor.uniform($0.shape, low: -1, high: 1, using: &rng) }
        func penaltyLike(_ xs: [Tensor], createGraph: Bool) -> Tensor {
            let grads = gradients(of: f(xs), withRespectTo: xs, createGraph: createGraph)
            var total = Tensor(scalar: 0)
            for (g, w) in zip(grads, weights) { total = total + (g * w).sum() + g.square().sum() }
            return total
        }
        let leaves = inputs.map { $0.copy().requiringGrad() }
        let analytic = gradients(of: penaltyLike(leaves, createGraph: true), withRespectTo: leaves)
        let numeric = numericGradients(at: leaves, step: step) { xs in
            Double(penaltyLike(xs, createGraph: false).item)
        }
        return relativeError(analytic, numeric)
    }

    /// Central differences of `value` with respect to every element of every input (each
    /// input is perturbed in place and restored).
    private static func numericGradients(at inputs: [Tensor], step: Float, _ value: ([Tensor]) -> Double) -> [[Double]] {
        inputs.map { input in
            let p = input.storage.pointer
            return (0..<input.count).map { i in
                let original = p[i]
                p[i] = original + step
                let plus = value(inputs)
                p[i] = original - step
                let minus = value(inputs)
                p[i] = original
                // The step actually taken in Float, not the nominal one.
                let h = Double(original + step) - Double(original - step)
                return (plus - minus) / h
            }
        }
    }

    private static func relativeError(_ analytic: [Tensor], _ numeric: [[Double]]) -> Double {
        var diff = 0.0, norm = 0.0
        for (a, n) in zip(analytic, numeric) {
            for (x, y) in zip(a.scalars, n) {
                diff += (Double(x) - y) * (Double(x) - y)
                norm += y * y
            }
        }
        return (diff.squareRoot()) / max(norm.squareRoot(), 1e-12)
    }
}
