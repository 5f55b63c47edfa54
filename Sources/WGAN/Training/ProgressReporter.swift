import Foundation

/// Shows training progress in the manner of tqdm: the epoch, a bar, steps done of the epoch's
/// total, steps per second, elapsed and remaining time, and the latest critic and generator losses.
///
/// On a terminal the line is redrawn in place (carriage return, then erase to the end of the line)
/// at most every `redrawInterval` seconds. Elsewhere (a log file, CI) it prints whole lines: one
/// when an epoch begins, one each time another tenth of the epoch is done or `lineInterval`
/// seconds have passed since the last, and one when the epoch ends.
///
/// Time comes from `now` and text goes to `write`, so tests drive both. On a terminal of known
/// width, lines are cut to fit it.
public final class ProgressReporter {
    public enum Style: Sendable {
        case terminal
        case plain
    }

    public let style: Style
    private let write: (String) -> Void
    private let now: () -> Double
    private let redrawInterval: Double
    private let lineInterval: Double
    /// The terminal's width: a redrawn line longer than this would wrap and could not be redrawn.
    private let columns: Int?

    private var header = ""
    /// What a step of the bar is called: "steps" (per epoch) or "it" (generator iterations).
    private var unit = "steps"
    private var total = 0
    private var firstCompleted = 0
    private var completed = 0
    private var losses: (critic: Float, generator: Float)?
    private var epochStart = 0.0
    private var lastOutput = -Double.infinity
    private var lastTenth = 0
    private var lineOpen = false

    public init(style: Style, write: @escaping (String) -> Void, now: @escaping () -> Double,
                redrawInterval: Double = 0.2, lineInterval: Double = 10, columns: Int? = nil) {
        self.style = style
        self.write = write
        self.now = now
        self.redrawInterval = redrawInterval
        self.lineInterval = lineInterval
        self.columns = columns
    }

    /// The width of the terminal on `descriptor`, or nil when it is not a terminal or does not say.
    public static func terminalColumns(of descriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Seconds on a monotonic clock, for `now`.
    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    /// Starts an epoch's bar; `completed` steps of `total` are already done (a resumed epoch).
    public func beginEpoch(_ epoch: Int, of epochs: Int, totalSteps total: Int, completed: Int = 0) {
        begin("Epoch \(epoch)/\(epochs)", unit: "steps", total: total, completed: completed)
    }

    /// Starts a bar over a run measured in generator iterations (`--iterations`), `completed`
    /// of `total` done; epochs (passes over the data) end inside it.
    public func beginIterations(total: Int, completed: Int) {
        begin("Iterations", unit: "it", total: total, completed: completed)
    }

    /// Starts a bar over other work counted in `unit`s (decoding an image folder's files).
    public func beginTask(_ header: String, unit: String, total: Int) {
        begin(header, unit: unit, total: total, completed: 0)
    }

    /// Records progress on a task that has no losses, and redraws when it is time to.
    public func update(completed: Int) {
        losses = nil
        record(completed)
    }

    private func begin(_ header: String, unit: String, total: Int, completed: Int) {
        self.header = header
        self.unit = unit
        self.total = total
        firstCompleted = completed
        self.completed = completed
        losses = nil
        epochStart = now()
        lastTenth = tenths(completed)
        show()
    }

    /// Records a finished step and redraws when it is time to.
    public func update(completed: Int, criticLoss: Float, generatorLoss: Float) {
        losses = (criticLoss, generatorLoss)
        record(completed)
    }

    private func record(_ completed: Int) {
        self.completed = completed
        let time = now()
        switch style {
        case .terminal:
            if completed == total || time - lastOutput >= redrawInterval { show() }
        case .plain:
            if completed == total || tenths(completed) > lastTenth || time - lastOutput >= lineInterval { show() }
        }
    }

    /// Ends the bar's line (after a final redraw if the last state is not shown yet), so that
    /// other output starts on a line of its own.
    public func finish() {
        guard lineOpen else { return }
        write("\n")
        lineOpen = false
    }

    /// The progress line for the current state, without line control characters.
    public var line: String {
        let elapsed = now() - epochStart
        let done = completed - firstCompleted
        let rate = elapsed > 0 && done > 0 ? Double(done) / elapsed : nil
        let remaining = rate.map { Double(total - completed) / $0 }
        let percent = total > 0 ? completed * 100 / total : 100
        let rateText = rate.map { String(format: "%.2f", $0) } ?? "?"
        let lossText = losses.map { String(format: ", D_loss=%.4f, G_loss=%.4f", Double($0.critic), Double($0.generator)) } ?? ""
        switch style {
        case .terminal:
            return "\(header): \(pad(percent))%|\(bar(width: 25))| \(completed)/\(total) "
                + "[\(clock(elapsed))<\(remaining.map(clock) ?? "?"), \(rateText) \(unit)/s\(lossText)]"
        case .plain:
            return "\(header): \(pad(percent))% \(completed)/\(total) \(unit), \(rateText) \(unit)/s, "
                + "elapsed \(clock(elapsed)), remaining \(remaining.map(clock) ?? "?")\(lossText)"
        }
    }

    private func show() {
        lastOutput = now()
        lastTenth = tenths(completed)
        switch style {
        case .terminal:
            let text = line
            let fitting = columns.map { text.count < $0 ? text : String(text.prefix(max(1, $0 - 1))) } ?? text
            write("\r" + fitting + "\u{1B}[K")
            lineOpen = true
            if completed == total { finish() }
        case .plain:
            write(line + "\n")
        }
    }

    private func tenths(_ steps: Int) -> Int { total > 0 ? steps * 10 / total : 10 }

    /// Full blocks for whole cells, one of ▏▎▍▌▋▊▉ for the fraction of the next, spaces after.
    private func bar(width: Int) -> String {
        let eighths = total > 0 ? completed * width * 8 / total : width * 8
        let full = eighths / 8, partial = eighths % 8
        let partials: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var cells = String(repeating: "█", count: full)
        if full < width { cells.append(partials[partial]) }
        return cells + String(repeating: " ", count: max(0, width - cells.count))
    }

    private func pad(_ percent: Int) -> String {
        let text = String(percent)
        return String(repeating: " ", count: max(0, 3 - text.count)) + text
    }
}

/// `mm:ss`, or `h:mm:ss` from an hour on.
func clock(_ seconds: Double) -> String {
    let whole = Int(seconds.isFinite ? max(0, seconds.rounded(.down)) : 0)
    let (hours, minutes, secs) = (whole / 3600, whole / 60 % 60, whole % 60)
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return hours > 0 ? "\(hours):\(two(minutes)):\(two(secs))" : "\(two(minutes)):\(two(secs))"
}
