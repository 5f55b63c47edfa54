/// How the learning rates change over a run measured in generator iterations.
public enum LearningRateDecay: String, CaseIterable, Sendable {
    /// The same rate throughout (every official script but the ResNet's).
    case none
    /// The official gan_cifar_resnet.py's: the rate times max(0, 1 − iteration/iterations),
    /// falling linearly to 0 at the run's last iteration.
    case linear

    /// The factor the base rate is multiplied by at `iteration` (0-based) of `iterations`.
    public func factor(iteration: Int, of iterations: Int) -> Double {
        switch self {
        case .none: 1
        case .linear: max(0, 1 - Double(iteration) / Double(max(iterations, 1)))
        }
    }

    /// The official loop's rates for one iteration of ours (critic steps, then a generator step):
    /// the official iteration i runs its generator step first (for i > 0), then its critic steps,
    /// both at the rate of i; so our critic steps after `completed` generator steps run at
    /// iteration `completed`'s rate, and the generator step that follows at the next one's.
    public func factors(completedGeneratorSteps completed: Int, of iterations: Int) -> (critic: Double, generator: Double) {
        (factor(iteration: completed, of: iterations), factor(iteration: completed + 1, of: iterations))
    }
}
