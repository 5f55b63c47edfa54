import Foundation
import WGANFiles

/// `log.jsonl`: one JSON object per line, appended as training goes — one per epoch
/// (`epoch`, `step`, `D_loss`, `G_loss`, `gp` as the epoch's means, and `seconds`), and with
/// `--log-every N` one every N generator steps (`step`, `D_loss`, `G_loss`, `gp` of that step).
/// A run stopped inside an epoch adds that epoch's means so far, marked `"partial": true`; a
/// resumed run drops such lines, as the epoch's own line will follow.
public final class TrainingLog {
    public let url: URL
    private let file: AppendingFile

    /// One epoch's summary line.
    public struct EpochEntry: Codable, Equatable {
        public let epoch: Int
        public let step: Int
        public let criticLoss: Double
        public let generatorLoss: Double
        public let penalty: Double
        public let seconds: Double
        /// Training time since the run began (`TrainingProgress.trainingSeconds`).
        public var trainingSeconds: Double?
        /// True for the means of an epoch the run stopped inside; absent for a whole epoch.
        public var partial: Bool?
        /// Toy runs on a Gaussian mixture: modes covered by the generator's samples, and the share
        /// of its samples of high quality (see `ModeCoverage`).
        public var modesCovered: Int?
        public var highQuality: Double?
        /// `--diagnostics`: each critic layer's gradient norm, the epoch's mean, by parameter name.
        public var criticGradientNorms: [String: Double]?
        /// A conditional run's AC-GAN cross-entropy on real images and the critic's classification
        /// accuracy on real and fake batches (the epoch's means over critic steps).
        public var acganLoss: Double?
        public var acganRealAccuracy: Double?
        public var acganFakeAccuracy: Double?

        enum CodingKeys: String, CodingKey {
            case epoch, step, criticLoss = "D_loss", generatorLoss = "G_loss", penalty = "gp", seconds, partial, trainingSeconds = "training_seconds"
            case acganLoss = "acgan_loss", acganRealAccuracy = "acgan_acc_real", acganFakeAccuracy = "acgan_acc_fake"
            case modesCovered = "modes_covered", highQuality = "high_quality", criticGradientNorms = "critic_grad_norms"
        }
    }

    /// One step's losses.
    public struct StepEntry: Codable, Equatable {
        public let step: Int
        public let criticLoss: Float
        public let generatorLoss: Float
        public let penalty: Float

        enum CodingKeys: String, CodingKey {
            case step, criticLoss = "D_loss", generatorLoss = "G_loss", penalty = "gp"
        }
    }

    /// Opens `url` for appending, creating it if needed. With `keepingStepsUpTo`, lines about
    /// later steps (written by a session that stopped before its next checkpoint) are dropped
    /// first, so that a resumed run's log reads as an uninterrupted one's.
    public init(url: URL, keepingStepsUpTo lastStep: Int? = nil) throws(TrainingError) {
        self.url = url
        do {
            if let lastStep, Files.entry(at: url.path) != nil {
                try Self.dropLines(after: lastStep, in: url)
            }
            file = try AppendingFile(path: url.path)
        } catch {
            throw .output(path: url.path, problem: error.reason)
        }
    }

    public func append(_ entry: some Encodable) throws(TrainingError) {
        var line: Data
        do {
            line = try JSONCoding.encoder(pretty: false).encode(entry)
        } catch {
            throw .output(path: url.path, problem: "\(error)")
        }
        line.append(UInt8(ascii: "\n"))
        do {
            try file.append([UInt8](line))
        } catch {
            throw .output(path: url.path, problem: error.reason)
        }
    }

    private static func dropLines(after lastStep: Int, in url: URL) throws(FileError) {
        let text = String(decoding: try Files.read(url.path), as: UTF8.self)
        let kept = text.split(separator: "\n").filter { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if object?["partial"] as? Bool == true { return false }
            return (object?["step"] as? Int).map { $0 <= lastStep } ?? true
        }
        try Files.write(Array(kept.map { $0 + "\n" }.joined().utf8), to: url.path)
    }
}
