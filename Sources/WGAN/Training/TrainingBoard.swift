import Foundation
import WGANFiles
import WGANTensorBoard

/// `--tensorboard` (on by default): TensorBoard event files in `RUN/tensorboard/`, beside `log.jsonl`.
///
/// Every number of every `log.jsonl` line becomes a scalar at the line's step, under a tag that
/// groups it (`TrainingBoard.tag(for:)`: `loss/critic`, `eval/fid`, `critic_grad_norm/<parameter>`, …);
/// with them the Wasserstein estimate, the learning rates and steps per second. Each epoch's
/// fixed-noise grid (a toy run's frame) is an image, and with `--diagnostics` each critic weight's
/// histogram. Only the writing rank writes (the trainer calls it where it writes the log).
///
/// The file is opened at the first event, so a session that writes nothing leaves no file; a
/// resumed session opens a new one, which begins with a restart marker one step after its
/// checkpoint: TensorBoard then drops what a stopped session wrote past that checkpoint, as
/// `log.jsonl` drops those lines. A file that cannot be written is one warning, and the run goes on
/// without TensorBoard events for the rest of the session.
final class TrainingBoard {
    let folder: URL
    private let config: TrainingConfig
    /// The checkpoint step a resumed session started from.
    private let resumedAt: Int?
    private let warn: (String) -> Void
    private let wallClock: () -> Double
    private var writer: EventFileWriter?
    private var failed = false

    init(folder: URL, config: TrainingConfig, resumedAt: Int?, warn: @escaping (String) -> Void,
         wallClock: @escaping () -> Double = { Date().timeIntervalSince1970 }) {
        self.folder = folder
        self.config = config
        self.resumedAt = resumedAt
        self.warn = warn
        self.wallClock = wallClock
    }

    /// Scalars for the numbers of `entry`'s `log.jsonl` line; `perStep` for a `--log-every` line
    /// (whose losses go under `loss_per_step/`), and `extra` values beside them.
    func record(_ entry: some Encodable, step: Int, perStep: Bool = false, extra: [SummaryValue] = []) {
        write(step: step) { () throws -> [SummaryValue] in
            let line = try JSONCoding.encoder(pretty: false).encode(entry)
            guard let object = try JSONParser.parse([UInt8](line)).dictionary else { return extra }
            return Self.scalars(of: object, perStep: perStep, lambda: config.trainingLoss == .gradientPenalty ? config.lambda : nil,
                                estimatesWasserstein: config.trainingLoss.isWasserstein) + extra
        }
    }

    /// The PNG file at `url` (just written) as an image under `tag`.
    func image(at url: URL, tag: String, step: Int) {
        write(step: step) { () throws -> [SummaryValue] in
            [SummaryValue(tag: tag, content: .image(try ImageSummary(png: try Files.read(url.path))))]
        }
    }

    /// `--diagnostics`: a histogram of each critic weight under `critic_weights/<name>`.
    func histograms(_ weights: [(name: String, values: [Float])], step: Int) {
        write(step: step) {
            weights.map { SummaryValue(tag: "critic_weights/\($0.name)", content: .histogram(HistogramSummary(values: $0.values))) }
        }
    }

    /// An epoch's scalars that `log.jsonl` does not hold: the learning rates and the epoch's speed.
    func epochExtras(generatorSteps: Int, seconds: Double) -> [SummaryValue] {
        var values: [SummaryValue] = [.scalar("optimizer/lr_critic", Float(config.criticLearningRate)),
                                      .scalar("optimizer/lr_generator", Float(config.generatorLearningRate))]
        if seconds > 0 && generatorSteps > 0 { values.append(.scalar("time/steps_per_second", Float(Double(generatorSteps) / seconds))) }
        return values
    }

    /// The tag of a `log.jsonl` key; keys it does not know go under `log/`.
    static func tag(for key: String, perStep: Bool = false) -> String {
        let known = ["D_loss": "loss/critic", "G_loss": "loss/generator", "gp": "loss/gradient_penalty",
                     "wasserstein": "loss/wasserstein_estimate", "seconds": "time/seconds_per_epoch", "epoch": "progress/epoch",
                     "fid": "eval/fid", "inception_score": "eval/inception_score", "confident": "eval/confident_share",
                     "dev_D_loss": "eval/dev_critic_loss", "eval_count": "eval/count", "modes_covered": "toy/modes_covered",
                     "high_quality": "toy/high_quality_share"]
        let tag = known[key] ?? "log/\(key)"
        return perStep && tag.hasPrefix("loss/") ? "loss_per_step/" + tag.dropFirst(5) : tag
    }

    /// Every number of a log line (its step aside) and of the objects in it (`critic_grad_norms`: one
    /// scalar per parameter), and the Wasserstein estimate when the line has the losses it needs
    /// (−D_loss + λ·gp; −D_loss for a clipping run, `lambda` nil; none for a GAN or LSGAN run,
    /// whose discriminator estimates none).
    static func scalars(of line: [String: JSONValue], perStep: Bool, lambda: Double?, estimatesWasserstein: Bool = true) -> [SummaryValue] {
        var values: [SummaryValue] = []
        for (key, value) in line.sorted(by: { $0.key < $1.key }) where key != "step" {
            if let number = value.double {
                values.append(.scalar(tag(for: key, perStep: perStep), Float(number)))
            } else if let members = value.dictionary {
                let group = key == "critic_grad_norms" ? "critic_grad_norm" : "log/\(key)"
                for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                    if let number = member.double { values.append(.scalar("\(group)/\(name)", Float(number))) }
                }
            }
        }
        if estimatesWasserstein, let loss = line["D_loss"]?.double {
            let penalty = line["gp"]?.double ?? 0
            let estimate = lambda.map { -loss + $0 * penalty } ?? -loss
            values.append(.scalar(tag(for: "wasserstein", perStep: perStep), Float(estimate)))
        }
        return values
    }

    /// Appends one event of the values `make` gives at `step`, opening the file first when needed;
    /// the first failure is a warning and ends the session's TensorBoard output.
    private func write(step: Int, _ make: () throws -> [SummaryValue]) {
        guard !failed else { return }
        do {
            let values = try make()
            guard !values.isEmpty else { return }
            let writer = try self.writer ?? open()
            try writer.write(TensorBoardEvent(wallTime: wallClock(), step: Int64(step), content: .summary(values)))
        } catch {
            failed = true
            warn("TensorBoard events are not written for the rest of this session: \(error)")
        }
    }

    private func open() throws -> EventFileWriter {
        let time = wallClock()
        let writer = try EventFileWriter(folder: folder, wallTime: time)
        if let resumedAt { try writer.write(TensorBoardEvent(wallTime: time, step: Int64(resumedAt + 1), content: .sessionStart)) }
        self.writer = writer
        return writer
    }
}
