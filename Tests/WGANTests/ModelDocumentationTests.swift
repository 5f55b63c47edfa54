import Foundation
import WGANModels
import XCTest

/// The README describes the catalogue as it is: its model table has one row per model with the
/// model's own summary and presets, the synopsis lists every model and preset, and the section
/// on using it from Swift shows the example package's file as it is.
final class ModelDocumentationTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func readme() throws -> String { try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8) }

    func testTheModelTableIsTheCatalogue() throws {
        let rows = try readme().split(separator: "\n").filter { $0.hasPrefix("| `") && $0.hasSuffix("` |") }.compactMap { line -> [String]? in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            return cells.count == 3 ? cells : nil
        }
        let documented = rows.map { "\($0[0]) | \($0[1]) | \($0[2])" }
        let catalogue = ModelCatalogue.builtIn.models.map { model in
            "`\(model.name)` | \(model.summary) | " + model.presets.map { "`\($0.name)`" }.joined(separator: ", ")
        }
        XCTAssertEqual(documented, catalogue, "README's model table against ModelCatalogue.builtIn")
    }

    func testTheSynopsisNamesEveryModelAndPreset() throws {
        let text = try readme()
        let models = ModelCatalogue.builtIn.models.map(\.name).joined(separator: "|")
        let presets = ModelCatalogue.builtIn.presets.map(\.preset.name).joined(separator: "|")
        XCTAssertEqual(text.components(separatedBy: "[--model \(models)]").count - 1, 2, "wgan train's and wgan bench's synopsis")
        XCTAssertTrue(text.contains("[--preset \(presets)]"), "wgan train's synopsis")
    }

    /// "Using it from Swift" shows the example's whole file, as it is.
    func testTheReadmeShowsTheExampleAsItIs() throws {
        let example = try String(contentsOf: root.appendingPathComponent("Examples/CustomModel/Sources/CustomModel/main.swift"), encoding: .utf8)
        XCTAssertTrue(try readme().contains("```swift\n" + example.trimmingCharacters(in: .newlines) + "\n```"))
    }
}
