/// One record of an event file: TensorBoard's `Event` message (`tensorboard/compat/proto/event.proto`)
/// with the parts a trainer writes — the file's version, summaries, and a restart marker.
///
///     Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3;
///             Summary summary = 5; SessionLog session_log = 7; } }   (6 is the deprecated log_message)
///     SessionLog { SessionStatus status = 1; }   (START = 1)
///     Summary { repeated Value value = 1; }
///     Value { string tag = 1; oneof value { float simple_value = 2; Image image = 4; HistogramProto histo = 5; } }
///
/// Encoded as protoc does for proto3: fields in number order, scalar fields at their default (0) left
/// out, the oneof's member always written.
public struct TensorBoardEvent: Equatable, Sendable {
    public enum Content: Equatable, Sendable {
        /// The first record of every file: `"brain.Event:2"`.
        case fileVersion(String)
        case summary([SummaryValue])
        /// `SessionLog { status: START }`: TensorBoard drops the events of this file's folder at or after
        /// this event's step that came before it (what a crashed session wrote past its checkpoint).
        case sessionStart
    }

    /// What every event file begins with.
    public static let fileVersion = "brain.Event:2"

    /// Seconds since 1970.
    public var wallTime: Double
    public var step: Int64
    public var content: Content

    public init(wallTime: Double, step: Int64, content: Content) {
        (self.wallTime, self.step, self.content) = (wallTime, step, content)
    }

    /// The protocol-buffer encoding of the event.
    public func encoded() -> [UInt8] {
        var writer = ProtobufWriter()
        if wallTime != 0 { writer.appendDouble(1, wallTime) }
        if step != 0 { writer.appendInt64(2, step) }
        switch content {
        case .fileVersion(let version):
            writer.appendString(3, version)
        case .summary(let values):
            writer.appendMessage(5) { summary in
                for value in values { summary.appendMessage(1) { value.encode(into: &$0) } }
            }
        case .sessionStart:
            writer.appendMessage(7) { $0.appendInt64(1, 1) }  // SessionLog.status = START
        }
        return writer.bytes
    }

    /// Reads an event this module writes.
    ///
    /// - Throws: `ProtobufError` for bytes that are no such event.
    public init(decoding bytes: [UInt8]) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        var (wallTime, step, content): (Double, Int64, Content?) = (0, 0, nil)
        while let field = try reader.next() {
            switch field {
            case .fixed64(1, let bits): wallTime = Double(bitPattern: bits)
            case .varint(2, let value): step = Int64(bitPattern: value)
            case .bytes(3, let version): content = .fileVersion(String(decoding: version, as: UTF8.self))
            case .bytes(5, let summary):
                var values: [SummaryValue] = []
                var fields = ProtobufReader(summary)
                while let value = try fields.next() {
                    guard case .bytes(1, let message) = value else { throw ProtobufError("Summary has an unexpected field \(value.number)") }
                    values.append(try SummaryValue(decoding: message))
                }
                content = .summary(values)
            case .bytes(7, _): content = .sessionStart
            default: throw ProtobufError("Event has an unexpected field \(field.number)")
            }
        }
        guard let content else { throw ProtobufError("Event holds neither a file version, a summary nor a session log") }
        self.init(wallTime: wallTime, step: step, content: content)
    }
}

/// One tagged value of a summary: a scalar, an image or a histogram.
public struct SummaryValue: Equatable, Sendable {
    public enum Content: Equatable, Sendable {
        case scalar(Float)
        case image(ImageSummary)
        case histogram(HistogramSummary)
    }

    /// The name TensorBoard shows; the part before the first `/` groups it ("loss/critic").
    public var tag: String
    public var content: Content

    public init(tag: String, content: Content) {
        self.tag = tag
        self.content = content
    }

    public static func scalar(_ tag: String, _ value: Float) -> SummaryValue { SummaryValue(tag: tag, content: .scalar(value)) }

    func encode(into writer: inout ProtobufWriter) {
        writer.appendString(1, tag)
        switch content {
        case .scalar(let value): writer.appendFloat(2, value)
        case .image(let image): writer.appendMessage(4) { image.encode(into: &$0) }
        case .histogram(let histogram): writer.appendMessage(5) { histogram.encode(into: &$0) }
        }
    }

    init(decoding bytes: [UInt8]) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        var (tag, content): (String, Content?) = ("", nil)
        while let field = try reader.next() {
            switch field {
            case .bytes(1, let name): tag = String(decoding: name, as: UTF8.self)
            case .fixed32(2, let bits): content = .scalar(Float(bitPattern: bits))
            case .bytes(4, let image): content = .image(try ImageSummary(decoding: image))
            case .bytes(5, let histogram): content = .histogram(try HistogramSummary(decoding: histogram))
            default: throw ProtobufError("Summary.Value has an unexpected field \(field.number)")
            }
        }
        guard let content else { throw ProtobufError("Summary.Value '\(tag)' holds no value") }
        self.init(tag: tag, content: content)
    }
}
