import Foundation
import WGANImage
@testable import WGANPlot
import XCTest

/// Figures drawn by Cairo: points land where their data are, scales and ticks are right, contour
/// lines close, histograms count, and bad input draws without trapping.
final class PlotTests: XCTestCase {
    /// The pixels of `figure`'s PNG, decoded by the project's own PNG reader.
    private func pixels(_ figure: Figure) throws -> Bitmap {
        try PNGReader.decode(try figure.pngData())
    }

    /// Pixels within `tolerance` of `color` in the given region (fractions of the image).
    private func count(_ color: PlotColor, in bitmap: Bitmap, x: ClosedRange<Double>, y: ClosedRange<Double>, tolerance: Int = 40) -> Int {
        let target = [color.red, color.green, color.blue].map { Int($0 * 255) }
        var found = 0
        for py in Int(y.lowerBound * Double(bitmap.height))..<Int(y.upperBound * Double(bitmap.height)) {
            for px in Int(x.lowerBound * Double(bitmap.width))..<Int(x.upperBound * Double(bitmap.width)) {
                let rgb = (0..<3).map { Int(bitmap[px, py, $0]) }
                if zip(rgb, target).allSatisfy({ abs($0 - $1) <= tolerance }) { found += 1 }
            }
        }
        return found
    }

    func testScatterPointsLandWhereTheirDataAre() throws {
        let figure = Figure(width: 300, height: 300)
        figure.axes.xLimits = (-1, 1)
        figure.axes.yLimits = (-1, 1)
        let offsets = stride(from: -0.05, through: 0.05, by: 0.025)
        figure.axes.scatter(offsets.map { 0.6 + $0 }, offsets.map { 0.6 + $0 }, color: .orange, label: "real")
        figure.axes.scatter(offsets.map { -0.6 + $0 }, offsets.map { -0.6 - $0 }, color: .green, label: "generated")
        figure.axes.showsLegend = false
        let bitmap = try pixels(figure)
        XCTAssertEqual([bitmap.width, bitmap.height], [300, 300])
        // Up is +y: orange in the upper right, green in the lower left, and neither elsewhere.
        XCTAssertGreaterThan(count(.orange, in: bitmap, x: 0.5...1, y: 0...0.5), 20)
        XCTAssertEqual(count(.orange, in: bitmap, x: 0...0.5, y: 0...1), 0)
        XCTAssertEqual(count(.orange, in: bitmap, x: 0.5...1, y: 0.5...1), 0)
        XCTAssertGreaterThan(count(.green, in: bitmap, x: 0...0.5, y: 0.5...1), 20)
        XCTAssertEqual(count(.green, in: bitmap, x: 0.5...1, y: 0...1), 0)
    }

    func testALogAxisSpacesDecadesEqually() {
        let area = PanelRenderer.Rect(x: 10, y: 20, width: 200, height: 300)
        let map = CoordinateMap(area: area, x: (0, 1), y: (1, 100), xScale: .linear, yScale: .log)
        let ys = [1.0, 10, 100].compactMap(map.y)
        XCTAssertEqual(ys, [320, 170, 20])
        XCTAssertNil(map.y(0), "a log axis cannot show zero")
        XCTAssertNil(map.y(-3))
        XCTAssertEqual(Ticks.log(low: 0.5, high: 2000), [0.1, 1, 10, 100, 1000, 10000])
        XCTAssertEqual(Ticks.log(low: 1e-23, high: 1e3).count, 9, "26 decades are labelled every third one")
    }

    func testTicksAreNiceNumbersInsideTheRange() {
        XCTAssertEqual(Ticks.linear(low: 0, high: 1), [0, 0.2, 0.4, 0.6, 0.8, 1])
        XCTAssertEqual(Ticks.linear(low: -3, high: 3), [-2, 0, 2])
        XCTAssertEqual(Ticks.linear(low: 17, high: 83), [20, 40, 60, 80])
        XCTAssertEqual(Ticks.linear(low: 5, high: 5), [5])
        XCTAssertEqual(Ticks.linear(low: .nan, high: 1), [])
        XCTAssertEqual(Ticks.label(0.30000000000000004), "0.3")
        XCTAssertEqual(Ticks.label(2e-5), "2e-05")
        XCTAssertEqual(Ticks.label(-40), "-40")
        XCTAssertEqual(Ticks.paddedLimits([2, 2], scale: .linear).0, 1)
        XCTAssertEqual(Ticks.paddedLimits([-1, .nan, 0, 1, 10], scale: .log).1, 10 * pow(10, 0.05), accuracy: 1e-12)
        XCTAssertEqual(Ticks.paddedLimits([-1, 0, 10], scale: .log).0, 1, "one usable value: a decade each side")
    }

    func testContoursOfARadialFieldCloseIntoARingAtTheRadius() {
        let n = 41
        var field = [Float](repeating: 0, count: n * n)
        for row in 0..<n {
            for column in 0..<n {
                field[row * n + column] = Float(((Double(column) - 20) * (Double(column) - 20) + (Double(row) - 20) * (Double(row) - 20)).squareRoot())
            }
        }
        let segments = Contours.segments(field, columns: n, rows: n, level: 10.3)
        XCTAssertGreaterThan(segments.count, 40)
        var ends: [String: Int] = [:]
        for (a, b) in segments {
            for (x, y) in [a, b] {
                XCTAssertEqual(((x - 20) * (x - 20) + (y - 20) * (y - 20)).squareRoot(), 10.3, accuracy: 0.05)
                ends[String(format: "%.6f,%.6f", x, y), default: 0] += 1
            }
        }
        XCTAssertTrue(ends.values.allSatisfy { $0 == 2 }, "every end joins two segments: a closed ring")
        XCTAssertTrue(Contours.segments(field, columns: n, rows: n, level: 100).isEmpty)
        XCTAssertTrue(Contours.segments([1, 2, 3], columns: 2, rows: 2, level: 1.5).isEmpty, "a field of the wrong size")
    }

    func testHistogramBarsCountTheirBins() throws {
        let figure = Figure()
        let (edges, counts) = figure.axes.histogram([0, 0.1, 0.2, 0.9, 1, 1, .nan, 5], bins: 4, range: (0, 1))
        XCTAssertEqual(edges, [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(counts, [3, 0, 0, 3], "NaN and values outside the range are left out; the top edge counts")
        XCTAssertEqual(figure.axes.limits().y.0, 0, "bars stand on zero")
        XCTAssertNoThrow(try figure.pngData())
    }

    func testBadInputDrawsWithoutTrappingInPNGAndSVG() throws {
        let figure = Figure(width: 400, height: 300, rows: 2, columns: 2)
        figure.title = "edge cases"
        figure[0, 0].plot([1, 2, 3], [.nan, .infinity, 1], label: "gaps")
        figure[0, 1].yScale = .log
        figure[0, 1].plot([0, 1, 2], [-1, 0, 10])
        figure[1, 0].filledContour([Float.nan, 1, 1, 1], columns: 2, rows: 2, xRange: (0, 1), yRange: (0, 1))
        figure[1, 1].histogram([], bins: 0)
        figure[1, 1].scatter([], [])
        let png = try pixels(figure)
        XCTAssertEqual(png.width, 400)
        let svg = try figure.svgString()
        XCTAssertTrue(svg.hasPrefix("<?xml") && svg.contains("<svg"), String(svg.prefix(80)))
        XCTAssertTrue(svg.contains("width=\"400px\""), "sized in pixels: \(svg.prefix(300))")
        XCTAssertNoThrow(try Figure(width: -5, height: 1_000_000).pngData(), "sizes are clamped")
    }

    func testFiguresAreWrittenAtomicallyAndOpen() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("PlotTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let figure = Figure(width: 320, height: 240)
        figure.axes.plot([1, 2, 3], [3, 1, 2], label: "loss")
        try figure.write(png: folder.appendingPathComponent("f.png"))
        try figure.write(svg: folder.appendingPathComponent("f.svg"))
        XCTAssertEqual(try PNGReader.read(from: folder.appendingPathComponent("f.png").path).height, 240)
        XCTAssertTrue(try String(contentsOf: folder.appendingPathComponent("f.svg"), encoding: .utf8).contains("</svg>"))
        XCTAssertThrowsError(try figure.write(png: folder.appendingPathComponent("missing/f.png"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot write "), "\(error)")
        }
    }
}
