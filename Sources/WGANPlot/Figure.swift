import Foundation
import WGANFiles

/// A figure of `rows` × `columns` panels (`Axes`), drawn by Cairo to PNG or SVG, like a
/// matplotlib figure made with `plt.subplots(rows, columns)`.
///
///     let figure = Figure(width: 640, height: 480)
///     figure.axes.plot(steps, losses, label: "critic")
///     try figure.write(png: url)
public final class Figure {
    public let width: Int, height: Int
    public let rows: Int, columns: Int
    public var title = ""
    public let panels: [Axes]

    /// - Precondition: none; sizes are clamped to 16…16384 pixels and at least one panel.
    public init(width: Int = 640, height: Int = 480, rows: Int = 1, columns: Int = 1) {
        self.width = min(16_384, max(16, width))
        self.height = min(16_384, max(16, height))
        self.rows = max(1, rows)
        self.columns = max(1, columns)
        panels = (0..<(self.rows * self.columns)).map { _ in Axes() }
    }

    /// The first panel (the only one of a single-panel figure).
    public var axes: Axes { panels[0] }

    /// The panel at `row`, `column` (counted from the top left).
    public subscript(row: Int, column: Int) -> Axes { panels[row * columns + column] }

    /// The figure's PNG bytes.
    public func pngData() throws(PlotError) -> [UInt8] { try render(.png) }

    /// The figure as an SVG document.
    public func svgString() throws(PlotError) -> String { String(decoding: try render(.svg), as: UTF8.self) }

    /// Writes the PNG atomically (a temporary file, then a rename).
    public func write(png url: URL) throws(PlotError) { try store(try render(.png), at: url) }

    /// Writes the SVG atomically.
    public func write(svg url: URL) throws(PlotError) { try store(try render(.svg), at: url) }

    private func store(_ bytes: [UInt8], at url: URL) throws(PlotError) {
        do {
            try Files.write(bytes, to: url.path)
        } catch {
            throw PlotError("cannot write \(url.path): \(error.reason)")
        }
    }

    private func render(_ kind: CairoCanvas.Kind) throws(PlotError) -> [UInt8] {
        let canvas = try CairoCanvas(kind: kind, width: width, height: height)
        canvas.fillRectangle(x: 0, y: 0, width: canvas.width, height: canvas.height, color: .white)
        let top = title.isEmpty ? 0.0 : 30
        if !title.isEmpty { canvas.text(title, x: canvas.width / 2, y: 21, size: 15, anchor: .centre, bold: true) }
        let cellWidth = canvas.width / Double(columns), cellHeight = (canvas.height - top) / Double(rows)
        for row in 0..<rows {
            for column in 0..<columns {
                let cell = PanelRenderer.Rect(x: Double(column) * cellWidth, y: top + Double(row) * cellHeight,
                                              width: cellWidth, height: cellHeight)
                PanelRenderer(axes: self[row, column], canvas: canvas, cell: cell).draw()
            }
        }
        return try canvas.finish(kind: kind)
    }
}
