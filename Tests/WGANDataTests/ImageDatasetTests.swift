import Foundation
import XCTest
@testable import WGANData

final class ImageDatasetTests: XCTestCase {
    /// Three 2×3 images whose bytes cover the ends and middle of the range.
    private let pixelBytes: [UInt8] = [0, 255, 128, 1, 127, 254, 10, 20, 30, 40, 50, 60, 200, 0, 0, 0, 0, 255]
    private let labelBytes: [UInt8] = [7, 2, 9]

    private func writeSample(_ split: ImageDataset.Split = .test) throws -> URL {
        let directory = try makeTemporaryDirectory()
        try IDXBuilder.writeSplit(split, in: directory, height: 2, width: 3, pixels: pixelBytes, labels: labelBytes)
        return directory
    }

    private func assertSample(_ dataset: ImageDataset, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(dataset.count, 3, file: file, line: line)
        XCTAssertEqual(dataset.height, 2, file: file, line: line)
        XCTAssertEqual(dataset.width, 3, file: file, line: line)
        XCTAssertEqual(dataset.channels, 1, file: file, line: line)
        XCTAssertEqual(dataset.pixelsPerImage, 6, file: file, line: line)
        XCTAssertEqual(dataset.labels, labelBytes, file: file, line: line)
        XCTAssertEqual(Array(dataset.pixelBytes), pixelBytes, file: file, line: line)
        var scaled = [Float](repeating: .nan, count: pixelBytes.count)
        XCTAssertNoThrow(try dataset.gather(0..<3, into: &scaled), file: file, line: line)
        XCTAssertEqual(scaled, pixelBytes.map { (Float($0) / 255 - 0.5) / 0.5 }, file: file, line: line)
    }

    func testScalingMatchesTorchvision() {
        XCTAssertEqual(ImageDataset.scaledPixel(0), -1)
        XCTAssertEqual(ImageDataset.scaledPixel(255), 1)
        let unit: Float = 128 / 255
        XCTAssertEqual(ImageDataset.scaledPixel(128), (unit - 0.5) / 0.5)
        XCTAssertEqual(ImageDataset.scaledPixel(128), 0.003921628, accuracy: 1e-9)
    }

    func testLoadsPlainFiles() throws {
        let dataset = try ImageDataset.load(directory: try writeSample(), split: .test)
        assertSample(dataset)
        XCTAssertEqual(Array(dataset.pixelBytes.prefix(3)), [0, 255, 128])
    }

    func testPrefixKeepsTheFirstImagesInFreshStorage() throws {
        let dataset = try ImageDataset.load(directory: try writeSample(), split: .test)
        let first = dataset.prefix(2)
        XCTAssertEqual(first.count, 2)
        XCTAssertEqual(first.labels, [7, 2])
        XCTAssertEqual(Array(first.pixelBytes), Array(pixelBytes.prefix(12)))
        // Copied out of the file's buffer rather than a view of it.
        XCTAssertEqual(first.pixelBytes.startIndex, 0)
        XCTAssertEqual(dataset.prefix(5).count, 3)
        XCTAssertEqual(dataset.prefix(0).count, 0)
    }

    func testLoadsGzippedFilesOfEitherSplit() throws {
        for split in ImageDataset.Split.allCases {
            let directory = try writeSample(split)
            try gzipFile(directory.appendingPathComponent(split.imagesFileName))
            try gzipFile(directory.appendingPathComponent(split.labelsFileName))
            assertSample(try ImageDataset.load(directory: directory, split: split))
        }
    }

    func testMissingFolderAndFilesAreErrors() throws {
        let directory = try writeSample(.test)
        let absent = directory.appendingPathComponent("nowhere")
        assertThrows(.directoryNotFound(path: absent.path)) {
            try ImageDataset.load(directory: absent, split: .test)
        }
        assertThrows(.fileNotFound(directory: directory.path, name: "train-labels-idx1-ubyte")) {
            try ImageDataset.load(directory: directory, split: .train)
        }
        XCTAssertEqual(DataError.fileNotFound(directory: "/d", name: "t10k-images-idx3-ubyte").description,
                       "neither t10k-images-idx3-ubyte nor t10k-images-idx3-ubyte.gz is in /d")
    }

    func testCountMismatchIsAnError() throws {
        let directory = try writeSample()
        let labels = directory.appendingPathComponent(ImageDataset.Split.test.labelsFileName)
        try Data(IDXBuilder.bytes(dimensions: [2], payload: [7, 2])).write(to: labels)
        let images = directory.appendingPathComponent(ImageDataset.Split.test.imagesFileName)
        assertThrows(.countMismatch(images: images.path, imageCount: 3, labels: labels.path, labelCount: 2)) {
            try ImageDataset.load(directory: directory, split: .test)
        }
    }

    func testDamagedImageFileNamesTheFile() throws {
        let directory = try writeSample()
        let images = directory.appendingPathComponent(ImageDataset.Split.test.imagesFileName)
        try Data(IDXBuilder.bytes(dimensions: [3, 2, 3], payload: Array(pixelBytes.dropLast()))).write(to: images)
        assertThrows(.dataLengthMismatch(path: images.path, expected: 18, actual: 17)) {
            try ImageDataset.load(directory: directory, split: .test)
        }
        try Data(Array("not a gzip file at all".utf8)).write(to: images)
        try gzipFile(images)
        assertThrows(where: { if case .badMagic(images.path + ".gz", 0x803, _) = $0 { true } else { false } }) {
            try ImageDataset.load(directory: directory, split: .test)
        }
    }

    func testChecksumsAreVerified() throws {
        let directory = try writeSample()
        let split = ImageDataset.Split.test
        let sums = try checksumLines(for: [split.imagesFileName, split.labelsFileName], in: directory)
        let sumsURL = directory.appendingPathComponent("SHA256SUMS")
        try sums.write(to: sumsURL, atomically: true, encoding: .utf8)
        assertSample(try ImageDataset.load(directory: directory, split: split))

        // Same length and still valid IDX, so only the checksum can catch it.
        var altered = pixelBytes
        altered[5] ^= 1
        let images = directory.appendingPathComponent(split.imagesFileName)
        let expected = try XCTUnwrap(SHA256Sums(text: sums, path: sumsURL.path).digests[split.imagesFileName])
        let alteredFile = IDXBuilder.bytes(dimensions: [3, 2, 3], payload: altered)
        try Data(alteredFile).write(to: images)
        assertThrows(.checksumMismatch(path: images.path, expected: expected,
                                       actual: SHA256.hex(SHA256.hash(alteredFile)))) {
            try ImageDataset.load(directory: directory, split: split)
        }
        XCTAssertEqual(DataError.checksumMismatch(path: "/d/f", expected: "aa", actual: "bb").description,
                       "/d/f: SHA-256 mismatch (expected aa, got bb)")
    }

    func testListedFileIsPreferredWhenBothFormsExist() throws {
        let directory = try writeSample()
        let split = ImageDataset.Split.test
        let images = directory.appendingPathComponent(split.imagesFileName)
        let plain = try Data(contentsOf: images)
        try gzipFile(images)
        try plain.write(to: images)
        // Only the plain file is listed, with a wrong digest: reading it must fail.
        let bad = String(repeating: "0", count: 64)
        try "\(bad)  \(split.imagesFileName)\n".write(to: directory.appendingPathComponent("SHA256SUMS"),
                                                       atomically: true, encoding: .utf8)
        assertThrows(where: { if case .checksumMismatch(images.path, bad, _) = $0 { true } else { false } }) {
            try ImageDataset.load(directory: directory, split: split)
        }
    }
}
