import Foundation
import XCTest
@testable import WGANData

final class DatasetCatalogueTests: XCTestCase {
    func testNamesAndDescriptions() {
        XCTAssertEqual(DatasetName(rawValue: "mnist"), .mnist)
        XCTAssertEqual(DatasetName(rawValue: "fashion-mnist"), .fashionMNIST)
        XCTAssertEqual(DatasetName.allCases.map(\.description), ["MNIST", "Fashion-MNIST", "CIFAR-10", "image folder"])
    }

    /// Checks the size of a split of 28×28 images and its first labels.
    private func assertMNISTSplit(_ dataset: ImageDataset, count: Int, firstLabels: [UInt8],
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(dataset.count, count, file: file, line: line)
        XCTAssertEqual(dataset.height, 28, file: file, line: line)
        XCTAssertEqual(dataset.width, 28, file: file, line: line)
        XCTAssertEqual(dataset.pixelBytes.count, count * 784, file: file, line: line)
        XCTAssertEqual(Array(dataset.labels.prefix(firstLabels.count)), firstLabels, file: file, line: line)
    }

    func testVendoredMNISTTestSplit() throws {
        let dataset = try DatasetName.mnist.load(.test)
        assertMNISTSplit(dataset, count: 10_000, firstLabels: [7, 2, 1, 0])
        XCTAssertEqual(dataset.pixelBytes.min(), 0)
        XCTAssertEqual(dataset.pixelBytes.max(), 255)
        // The first image's corner is background.
        XCTAssertEqual(dataset.pixelBytes.first, 0)
        // Every label is a digit and each digit appears.
        XCTAssertEqual(Set(dataset.labels), Set(0...9))
    }

    func testVendoredMNISTChecksumsCoverEveryFile() throws {
        let directory = try DatasetName.mnist.defaultDirectory()
        let sums = try XCTUnwrap(SHA256Sums.load(in: directory))
        let split = ImageDataset.Split.self
        XCTAssertEqual(Set(sums.digests.keys), Set(split.allCases.flatMap {
            [$0.imagesFileName + ".gz", $0.labelsFileName + ".gz"]
        }))
        XCTAssertEqual(sums.digests["t10k-labels-idx1-ubyte.gz"],
                       "b91679a0acfe4ba0e50a2437a903084cba1f5f92592b016a25a7dfd00455798b")
        // Loading verifies them: a copy with one listed digest changed must fail.
        let copy = try makeTemporaryDirectory()
        for name in sums.digests.keys where name.hasPrefix("t10k") {
            try FileManager.default.copyItem(at: directory.appendingPathComponent(name),
                                             to: copy.appendingPathComponent(name))
        }
        let wrong = String(repeating: "f", count: 64)
        let text = "\(wrong)  t10k-labels-idx1-ubyte.gz\n"
        try text.write(to: copy.appendingPathComponent("SHA256SUMS"), atomically: true, encoding: .utf8)
        assertThrows(.checksumMismatch(path: copy.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path,
                                       expected: wrong, actual: sums.digests["t10k-labels-idx1-ubyte.gz"]!)) {
            try ImageDataset.load(directory: copy, split: .test)
        }
    }

    func testVendoredMNISTTrainSplit() throws {
        // Checksums, gzip, IDX headers and lengths are all checked on the way.
        assertMNISTSplit(try DatasetName.mnist.load(.train), count: 60_000, firstLabels: [5, 0, 4])
    }

    func testFashionMNISTTestSplit() throws {
        let directory = DatasetName.fashionMNISTSystemDirectory
        try XCTSkipUnless(FileManager.default.fileExists(atPath: directory.path),
                          "apt-get install dataset-fashion-mnist to run this test")
        XCTAssertEqual(try DatasetName.fashionMNIST.defaultDirectory(), directory)
        let dataset = try DatasetName.fashionMNIST.load(.test)
        assertMNISTSplit(dataset, count: 10_000, firstLabels: [9, 2, 1, 1])
        XCTAssertEqual(dataset.pixelBytes.min(), 0)
        XCTAssertEqual(dataset.pixelBytes.max(), 255)
    }

    func testMissingDatasetSaysHowToInstallIt() throws {
        let absent = try makeTemporaryDirectory().appendingPathComponent("fashion-mnist")
        let remedy = "run `apt-get install dataset-fashion-mnist` or pass --data-dir"
        assertThrows(.datasetNotInstalled(dataset: "Fashion-MNIST", directory: absent.path, remedy: remedy)) {
            try DatasetName.fashionMNIST.installedDirectory(absent, remedy: remedy)
        }
        XCTAssertEqual(
            DataError.datasetNotInstalled(dataset: "Fashion-MNIST", directory: "/x", remedy: remedy).description,
            "Fashion-MNIST is not installed at /x: run `apt-get install dataset-fashion-mnist` or pass --data-dir")
    }

    func testExplicitDirectoryOverridesTheDefault() throws {
        let directory = try makeTemporaryDirectory()
        try IDXBuilder.writeSplit(.train, in: directory, height: 1, width: 2, pixels: [0, 255], labels: [4])
        let dataset = try DatasetName.fashionMNIST.load(.train, from: directory)
        XCTAssertEqual(Array(dataset.pixelBytes), [0, 255])
        XCTAssertEqual(dataset.labels, [4])
    }
}
