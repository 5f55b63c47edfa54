import Foundation
import WGANFiles

/// A run's `log.jsonl`, read key by key rather than through the trainer's types, so that every
/// numeric key a line holds becomes a curve: the losses, and whatever later versions log (FID,
/// Inception score, dev losses, mode coverage).
struct RunLog {
    /// One line: an epoch's means (it has `epoch`) or, with `--log-every`, one step's values.
    struct Entry {
        /// The line's number in the file, from 1.
        let line: Int
        let epoch: Int?
        let step: Int?
        /// The means of an epoch the run stopped inside.
        let partial: Bool
        /// Every numeric value but `epoch` and `step`, by key.
        let values: [String: Double]
        /// Objects of numbers (`critic_grad_norms`: a norm per layer), by key.
        let groups: [String: [String: Double]]

        var isEpoch: Bool { epoch != nil }
    }

    var entries: [Entry] = []
    /// Lines that are not JSON objects (a run killed in mid-write, a file edited by hand).
    var unreadableLines: [Int] = []

    var epochEntries: [Entry] { entries.filter(\.isEpoch) }
    var stepEntries: [Entry] { entries.filter { !$0.isEpoch && $0.step != nil } }

    /// Keys that are not curves: the x axes, the flags and the sample counts.
    static let axisKeys: Set<String> = ["epoch", "step", "partial", "eval_count"]
    /// Training time since the run began: an x axis for the scores, and no curve of its own.
    static let trainingTimeKey = "training_seconds"
    /// The sample-quality scores, drawn against training time as well as iterations (the paper's Figure 3).
    static let scoreKeys = ["fid", "inception_score", "kid"]

    init(text: String) {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            guard let object = JSONValue.parse(line.utf8)?.dictionary else {
                unreadableLines.append(index + 1)
                continue
            }
            entries.append(Self.entry(object, line: index + 1))
        }
    }

    private static func entry(_ object: [String: JSONValue], line: Int) -> Entry {
        var values: [String: Double] = [:], groups: [String: [String: Double]] = [:]
        for (key, value) in object where !axisKeys.contains(key) {
            if let number = value.number {
                values[key] = number
            } else if let members = value.dictionary {
                let numbers = members.compactMapValues(\.number)
                if !numbers.isEmpty { groups[key] = numbers }
            }
        }
        return Entry(line: line, epoch: object["epoch"]?.number.flatMap(Self.integer), step: object["step"]?.number.flatMap(Self.integer),
                     partial: object["partial"] == .bool(true), values: values, groups: groups)
    }

    private static func integer(_ value: Double) -> Int? {
        value.isFinite && abs(value) < 1e15 ? Int(value) : nil
    }

    /// The keys with a value in some entry, in reading order: the losses first, then the others
    /// by name.
    static func orderedKeys(_ keys: some Sequence<String>) -> [String] {
        let known = ["D_loss", "G_loss", "gp", WassersteinEstimate.key, "fid", "inception_score", "modes_covered", "high_quality"]
        let present = Set(keys)
        return known.filter(present.contains) + present.subtracting(known).sorted()
    }
}

/// The critic's estimate of the Wasserstein distance, E[D(real)] − E[D(fake)]: the critic loss
/// without its penalty, negated — −(D_loss − λ·gp) for a penalty run, −D_loss with clipping.
/// A GAN or LSGAN run's discriminator estimates none, so it has no such curve.
struct WassersteinEstimate {
    static let key = "wasserstein"
    /// λ, or nil for a clipping run (whose D_loss has no penalty).
    let lambda: Double?
    /// Whether the run's critic is a Wasserstein critic.
    let applies: Bool

    init(settings: [String: JSONValue]) {
        let loss = settings["loss"]?.string ?? "gp"
        lambda = loss == "clip" ? nil : settings["lambda"]?.number ?? 10
        applies = loss == "gp" || loss == "clip"
    }

    /// The estimate from `values`' `prefix`D_loss and `prefix`gp (`dev_` for a dev set's).
    func value(in values: [String: Double], prefix: String = "") -> Double? {
        guard applies, let loss = values[prefix + "D_loss"] else { return nil }
        guard let lambda else { return -loss }
        guard let penalty = values[prefix + "gp"] else { return nil }
        return -loss + lambda * penalty
    }

    /// `values` with the estimates added (under `wasserstein` and `dev_wasserstein`).
    func adding(to values: [String: Double]) -> [String: Double] {
        var values = values
        for prefix in ["", "dev_"] {
            if let estimate = value(in: values, prefix: prefix) { values[prefix + Self.key] = estimate }
        }
        return values
    }
}
