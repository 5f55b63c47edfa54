import Foundation
import WGANData
import WGANEngine
import XCTest
@testable import WGANEval

final class ClassifierTests: XCTestCase {
    override func setUpWithError() throws { try BLAS.load() }

    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("WGANEvalTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// The first `count` images of MNIST's test split.
    private func mnistTest(_ count: Int) throws -> ImageDataset { try DatasetName.mnist.load(.test).prefix(count) }

    func testTheShippedMNISTClassifierIsAccurateAndMatchesItsRecord() throws {
        let (classifier, record) = try ClassifierFile.shipped(for: .mnist)
        XCTAssertGreaterThanOrEqual(record.testAccuracy, 0.99)
        XCTAssertEqual(record.testImages, 10_000)
        XCTAssertGreaterThanOrEqual(try ClassifierTraining.accuracy(of: classifier, on: mnistTest(500)), 0.99)
    }

    func testTheShippedFashionMNISTClassifierIsAccurateAndMatchesItsRecord() throws {
        let (classifier, record) = try ClassifierFile.shipped(for: .fashionMNIST)
        XCTAssertGreaterThanOrEqual(record.testAccuracy, 0.90)
        XCTAssertEqual(record.testImages, 10_000)
        guard let test = try? DatasetName.fashionMNIST.load(.test).prefix(500) else {
            throw XCTSkip("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
        }
        // A slice is noisier than the whole split; it still shows the weights are the trained ones.
        XCTAssertGreaterThanOrEqual(try ClassifierTraining.accuracy(of: classifier, on: test), 0.88)
    }

    func testAWrittenClassifierLoadsBackAndADamagedOneIsRefused() throws {
        let folder = try temporaryFolder().appendingPathComponent("new/folder")
        var random = RandomGenerator(seed: 4)
        let classifier = FeatureClassifier(using: &random)
        let record = ClassifierRecord(dataset: "mnist", sha256: "", testAccuracy: 0.5, testImages: 1, seed: 4, epochs: 1, seconds: 0,
                                      command: "test")
        let written = try ClassifierFile.write(classifier, record: record, dataset: .mnist, to: folder)
        XCTAssertEqual(written.sha256.count, 64)
        let (loaded, loadedRecord) = try ClassifierFile.load(dataset: .mnist, from: folder)
        XCTAssertEqual(loadedRecord, written)
        XCTAssertEqual(loaded.parameters.map(\.scalars), classifier.parameters.map(\.scalars))

        let weights = folder.appendingPathComponent("mnist.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: weights)
        XCTAssertThrowsError(try ClassifierFile.load(dataset: .mnist, from: folder)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("is damaged: its SHA-256 is"), text)
        }
        XCTAssertThrowsError(try ClassifierFile.load(dataset: .fashionMNIST, from: folder)) { error in
            XCTAssertTrue("\(error)".contains("wgan classifier train --dataset fashion-mnist"), "\(error)")
        }
    }

    func testShiftsMoveEachImageByItsOwnOffset() {
        // One 3×3 image with a single lit pixel in the centre: any shift in [−1, 1]² keeps it lit
        // somewhere, and the image still holds exactly one 1.
        var random = RandomGenerator(seed: 9)
        let image = Tensor([0, 0, 0, 0, 1, 0, 0, 0, 0] + [0, 0, 0, 0, 1, 0, 0, 0, 0], shape: [2, 1, 3, 3])
        let shifted = ClassifierTraining.shifted(image, by: 1, using: &random)
        XCTAssertEqual(shifted.scalars.reduce(0, +), 2)
        XCTAssertEqual(ClassifierTraining.shifted(image, by: 0, using: &random).scalars, image.scalars)
    }

    func testEvaluationIsReproducibleAndARealSetScoresNearZero() throws {
        let (classifier, record) = try ClassifierFile.shipped(for: .mnist)
        let test = try mnistTest(200)
        let evaluator = try Evaluator(dataset: .mnist, classifier: classifier, record: record, test: test)
        let images = try ClassifierTraining.images(test, Array(0..<200))
        let report = try evaluator.evaluate(images)
        XCTAssertEqual(report.fid, 0, accuracy: 1e-6, "the test images against themselves")
        XCTAssertEqual(report.count, 200)
        XCTAssertEqual(report.scores.classes.reduce(0, +), 200)
        XCTAssertGreaterThan(report.scores.confident, 0.95)
        XCTAssertGreaterThan(report.scores.inceptionScore, 8)
        XCTAssertEqual(try evaluator.evaluate(images), report, "the same inputs give the same numbers")
        // Darkened digits are further away.
        XCTAssertGreaterThan(try evaluator.evaluate(withoutGrad { images * 0.5 }).fid, 1)
        let json = try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any]
        XCTAssertEqual(Set(json?.keys.map { $0 } ?? []), ["classes", "confident", "count", "dataset", "fid", "inception_score"])
    }
}
