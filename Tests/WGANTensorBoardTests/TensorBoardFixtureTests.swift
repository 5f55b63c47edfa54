import Foundation
import WGANTensorBoard
import XCTest

/// The events of `Fixtures/events.out.tfevents.1765000000.fixture`: scalars, an image, a histogram
/// and a restart, at fixed wall times. `scripts/check-tensorboard` writes the file from these (through
/// `testFixtureBytes` with `WGAN_WRITE_TENSORBOARD_FIXTURE` set) and has the `tensorboard` Python
/// package read it back into `Fixtures/read-back.json`.
enum TensorBoardFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let wallTime = 1_765_000_000.0
    static let hostname = "fixture"
    static var eventsURL: URL { folder.appendingPathComponent(EventFileWriter.fileName(wallTime: wallTime, hostname: hostname)) }
    static var readBackURL: URL { folder.appendingPathComponent("read-back.json") }

    /// A 2×2 grey PNG (pixels 0, 128 / 255, 64), written by hand with zlib.
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x02,
        0x00, 0x00, 0x00, 0x02, 0x08, 0x00, 0x00, 0x00, 0x00, 0x57, 0xDD, 0x52, 0xF8, 0x00, 0x00, 0x00, 0x0E, 0x49, 0x44, 0x41,
        0x54, 0x78, 0xDA, 0x63, 0x60, 0x68, 0x60, 0xF8, 0xEF, 0x00, 0x00, 0x04, 0x44, 0x01, 0xC0, 0xF7, 0x02, 0xAF, 0xA9, 0x00,
        0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    static let weights: [Float] = [-0.5, -0.25, 0, 0.25, 0.5, 1]

    /// The events after the file-version record. Step 3's first value is written by a session
    /// that then stops; a restart at step 3 makes TensorBoard drop it, and the second value stands.
    static func events() throws -> [TensorBoardEvent] {
        [
            TensorBoardEvent(wallTime: wallTime + 1, step: 1, content: .summary([.scalar("loss/critic", -1.25), .scalar("loss/generator", 0.5)])),
            TensorBoardEvent(wallTime: wallTime + 2, step: 2, content: .summary([
                .scalar("loss/critic", -0.75), .scalar("loss/generator", 0.25),
                SummaryValue(tag: "samples/fixed_noise", content: .image(try ImageSummary(png: png))),
                SummaryValue(tag: "critic_weights/fc.weight", content: .histogram(HistogramSummary(values: weights, buckets: 3))),
            ])),
            TensorBoardEvent(wallTime: wallTime + 3, step: 3, content: .summary([.scalar("loss/critic", 99)])),
            TensorBoardEvent(wallTime: wallTime + 4, step: 3, content: .sessionStart),
            TensorBoardEvent(wallTime: wallTime + 5, step: 3, content: .summary([.scalar("loss/critic", -0.5)])),
        ]
    }

    /// The file `EventFileWriter` writes for `events()` into `folder`.
    static func write(into folder: URL) throws -> URL {
        let writer = try EventFileWriter(folder: folder, wallTime: wallTime, hostname: hostname)
        for event in try events() { try writer.write(event) }
        return writer.url
    }
}

/// Against what the `tensorboard` Python package (2.21, `EventAccumulator`) read from the fixture.
final class TensorBoardFixtureTests: XCTestCase {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("TensorBoard-\(UUID().uuidString)", isDirectory: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Writing the fixture's events gives the fixture's bytes exactly.
    func testFixtureBytes() throws {
        if ProcessInfo.processInfo.environment["WGAN_WRITE_TENSORBOARD_FIXTURE"] != nil {
            try? FileManager.default.removeItem(at: TensorBoardFixture.eventsURL)
            _ = try TensorBoardFixture.write(into: TensorBoardFixture.folder)
        }
        let written = try TensorBoardFixture.write(into: try temporaryFolder())
        XCTAssertEqual(written.lastPathComponent, "events.out.tfevents.1765000000.fixture")
        XCTAssertEqual(try Data(contentsOf: written), try Data(contentsOf: TensorBoardFixture.eventsURL))
        let events = try EventFileWriter.events(at: TensorBoardFixture.eventsURL)
        XCTAssertEqual(events.first, TensorBoardEvent(wallTime: TensorBoardFixture.wallTime, step: 0, content: .fileVersion("brain.Event:2")))
        XCTAssertEqual(Array(events.dropFirst()), try TensorBoardFixture.events())
    }

    /// TensorBoard read the scalars, the image and the histogram that were written, and dropped the
    /// value a restart replaced.
    func testTensorBoardReadBack() throws {
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: TensorBoardFixture.readBackURL)) as? [String: Any])
        XCTAssertEqual(json["file_version"] as? Double, 2, "EventAccumulator reads \"brain.Event:2\" as version 2.0")
        let scalars = try XCTUnwrap(json["scalars"] as? [String: [[String: Double]]])
        func points(_ tag: String) -> [[Double]] { (scalars[tag] ?? []).map { [$0["step"] ?? -1, $0["value"] ?? .nan, $0["wall_time"] ?? 0] } }
        let t = TensorBoardFixture.wallTime
        XCTAssertEqual(points("loss/critic"), [[1, -1.25, t + 1], [2, -0.75, t + 2], [3, -0.5, t + 5]])
        XCTAssertEqual(points("loss/generator"), [[1, 0.5, t + 1], [2, 0.25, t + 2]])

        let images = try XCTUnwrap((json["images"] as? [String: [[String: Any]]])?["samples/fixed_noise"])
        XCTAssertEqual(images.count, 1)
        XCTAssertEqual(images.first?["step"] as? Int, 2)
        XCTAssertEqual(images.first?["width"] as? Int, 2)
        XCTAssertEqual(images.first?["height"] as? Int, 2)
        XCTAssertEqual((images.first?["png_base64"] as? String).flatMap { Data(base64Encoded: $0) }, Data(TensorBoardFixture.png))

        let histograms = try XCTUnwrap((json["histograms"] as? [String: [[String: Any]]])?["critic_weights/fc.weight"])
        XCTAssertEqual(histograms.count, 1)
        let read = try XCTUnwrap(histograms.first)
        let expected = HistogramSummary(values: TensorBoardFixture.weights, buckets: 3)
        XCTAssertEqual(read["step"] as? Int, 2)
        XCTAssertEqual(read["min"] as? Double, expected.min)
        XCTAssertEqual(read["max"] as? Double, expected.max)
        XCTAssertEqual(read["num"] as? Double, expected.count)
        XCTAssertEqual(read["sum"] as? Double, expected.sum)
        XCTAssertEqual(read["sum_squares"] as? Double, expected.sumOfSquares)
        XCTAssertEqual(read["bucket_limit"] as? [Double], expected.bucketLimits)
        XCTAssertEqual(read["bucket"] as? [Double], expected.bucketCounts)
        XCTAssertEqual(expected.bucketCounts, [2, 2, 2])
    }

    /// A second writer in the same folder and second starts a file of its own.
    func testSecondWriterStartsAnotherFile() throws {
        let folder = try temporaryFolder()
        let first = try EventFileWriter(folder: folder, wallTime: 1_000.7, hostname: "a/b")
        let second = try EventFileWriter(folder: folder, wallTime: 1_000.2, hostname: "a/b")
        try second.write(TensorBoardEvent(wallTime: 1_001, step: 5, content: .summary([.scalar("x", 2)])))
        XCTAssertEqual(first.url.lastPathComponent, "events.out.tfevents.1000.a_b")
        XCTAssertEqual(second.url.lastPathComponent, "events.out.tfevents.1000.a_b.2")
        XCTAssertEqual(try EventFileWriter.events(at: first.url).count, 1)
        XCTAssertEqual(try EventFileWriter.events(at: second.url).map(\.step), [0, 5])
    }
}
