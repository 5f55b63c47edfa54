import Foundation
import WGAN
import WGANData
import XCTest

/// Where runs go, what a new run refuses, and what bad data looks like to a person.
final class RunFolderAndDataTests: XCTestCase {
    func testNewRunsGetTimestampedFoldersAndNeverReuseOne() throws {
        let parent = try temporaryFolder()
        var parts = DateComponents()
        (parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second) = (2026, 11, 29, 16, 1, 2)
        let date = try XCTUnwrap(Calendar.current.date(from: parts))
        XCTAssertEqual(RunDirectory.timestamp(date), "20261129-160102")
        let first = try RunDirectory.createNew(at: nil, parent: parent, startedAt: date)
        let second = try RunDirectory.createNew(at: nil, parent: parent, startedAt: date)
        XCTAssertEqual(first.url.lastPathComponent, "20261129-160102")
        XCTAssertEqual(second.url.lastPathComponent, "20261129-160102-2")
        for run in [first, second] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.samplesURL.path))
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.checkpointsURL.path))
        }
        let empty = parent.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        XCTAssertEqual(try RunDirectory.createNew(at: empty).url, empty)
    }

    func testANewRunRefusesAFolderThatHoldsFiles() throws {
        let folder = try temporaryFolder()
        let marker = folder.appendingPathComponent("config.json")
        try Data("{}".utf8).write(to: marker)
        assertTrainingError("\(folder.path) already exists and is not an empty folder; choose another --out") {
            try QuickRun.start(QuickRun.options(), in: folder)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["config.json"])
        XCTAssertEqual(try Data(contentsOf: marker), Data("{}".utf8))
    }

    func testBatchesOfOneImageAreRefusedBeforeAnythingIsWritten() throws {
        let folder = try temporaryFolder().appendingPathComponent("run")
        var options = QuickRun.options()
        options.imageLimit = 65
        options.batchSize = 32
        XCTAssertThrowsError(try QuickRun.start(options, in: folder)) { error in
            XCTAssertEqual("\(error)", "65 images in batches of 32 leave a last batch of one image, which BatchNorm cannot "
                           + "train on; choose another --batch-size or --limit")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path))
    }

    func testDatasetFlagChoosesTheDataAndLimitKeepsTheFirstImages() throws {
        var config = TrainingConfig()
        config.imageLimit = 96
        let mnistData = try TrainingData.load(config)
        config.dataset = "fashion-mnist"
        let fashionData = try TrainingData.load(config)
        let (mnist, fashion) = (try XCTUnwrap(mnistData.images), try XCTUnwrap(fashionData.images))
        XCTAssertEqual(fashionData.directory, DatasetName.fashionMNISTSystemDirectory)
        XCTAssertTrue(fashionData.summary.hasPrefix("Fashion-MNIST, 96 images 28×28 from "), fashionData.summary)
        XCTAssertEqual(mnist.count, 96)
        XCTAssertEqual(mnistData.imageShape, [1, 28, 28])
        XCTAssertNotEqual(Array(mnist.pixelBytes), Array(fashion.pixelBytes))
        let full = try DatasetName.mnist.load(.train)
        XCTAssertEqual(Array(mnist.pixelBytes), Array(full.pixelBytes.prefix(96 * 784)))
        XCTAssertEqual(mnist.labels, Array(full.labels.prefix(96)))
        XCTAssertEqual(mnist.pixelBytes.min(), 0)
        XCTAssertEqual(mnist.pixelBytes.max(), 255)
    }

    /// Copies the vendored MNIST files into a new folder, optionally without `SHA256SUMS`.
    private func copyOfMNIST(checksums: Bool) throws -> URL {
        let source = try DatasetName.mnist.defaultDirectory()
        let copy = try temporaryFolder().appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for name in ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"] + (checksums ? ["SHA256SUMS"] : []) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        return copy
    }

    /// Replaces the gzipped `name` by its contents after `change`, uncompressed.
    private func rewriteUncompressed(_ name: String, in folder: URL, _ change: (inout [UInt8]) -> Void) throws {
        let gz = folder.appendingPathComponent(name + ".gz")
        var bytes = try Gzip.decompress([UInt8](Data(contentsOf: gz)), path: gz.path)
        change(&bytes)
        try FileManager.default.removeItem(at: gz)
        try Data(bytes).write(to: folder.appendingPathComponent(name))
    }

    private func assertDataError(_ folder: URL, _ fragment: String, line: UInt = #line) {
        var config = TrainingConfig()
        config.dataDirectory = folder.path
        XCTAssertThrowsError(try TrainingData.load(config), line: line) { error in
            let text = oneLineDescription(of: error)
            XCTAssertTrue(text.contains(fragment), "'\(text)' lacks '\(fragment)'", line: line)
            XCTAssertFalse("\(error)".contains("\n"), line: line)
        }
    }

    func testDamagedDataGivesOneLineNamingTheFile() throws {
        assertDataError(URL(fileURLWithPath: "/no/such/folder"), "dataset folder not found: /no/such/folder")

        var folder = try copyOfMNIST(checksums: false)
        let labels = folder.appendingPathComponent("train-labels-idx1-ubyte.gz")
        let gz = try Data(contentsOf: labels)
        try gz.prefix(gz.count - 100).write(to: labels)
        assertDataError(folder, "train-labels-idx1-ubyte.gz: truncated gzip stream")

        var corrupt = gz
        for index in 20..<60 { corrupt[index] ^= 0x5a }
        try corrupt.write(to: labels)
        assertDataError(folder, "train-labels-idx1-ubyte.gz: corrupt gzip data")

        folder = try copyOfMNIST(checksums: true)
        let images = folder.appendingPathComponent("train-images-idx3-ubyte.gz")
        var tampered = try Data(contentsOf: images)
        tampered[tampered.count - 9] ^= 1
        try tampered.write(to: images)
        assertDataError(folder, "train-images-idx3-ubyte.gz: SHA-256 mismatch")

        folder = try copyOfMNIST(checksums: false)
        try rewriteUncompressed("train-labels-idx1-ubyte", in: folder) { bytes in
            bytes[6] = 0; bytes[7] = 100  // 100 labels
            bytes.removeLast(bytes.count - 8 - 100)
        }
        assertDataError(folder, "holds 60000 images but")
        assertDataError(folder, "holds 100 labels")

        folder = try copyOfMNIST(checksums: false)
        try rewriteUncompressed("train-images-idx3-ubyte", in: folder) { $0[3] = 0x01 }
        assertDataError(folder, "not an unsigned-byte IDX file of the expected rank (magic 0x00000803 expected, found 0x00000801)")

        folder = try copyOfMNIST(checksums: false)
        try rewriteUncompressed("train-images-idx3-ubyte", in: folder) { $0.removeLast(784) }
        assertDataError(folder, "(truncated)")
    }
}
