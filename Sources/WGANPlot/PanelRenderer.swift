import Foundation

/// Draws one `Axes` into its cell of a figure: the plot area, its series, axes with ticks and
/// labels, a colour bar for a field, and the legend.
struct PanelRenderer {
    struct Rect { var x, y, width, height: Double }

    let axes: Axes
    let canvas: CairoCanvas
    let cell: Rect

    private static let font = 11.0

    /// The plot area inside the cell, leaving room for labels, ticks, the title and a colour bar.
    private var area: Rect {
        let hasField = axes.series.contains { if case .field = $0 { true } else { false } }
        let left = 58.0 + (axes.yLabel.isEmpty ? 0 : 16), bottom = 34.0 + (axes.xLabel.isEmpty ? 0 : 16)
        let top = axes.title.isEmpty ? 12.0 : 30, right = hasField ? 70.0 : 16
        return Rect(x: cell.x + left, y: cell.y + top, width: max(10, cell.width - left - right),
                    height: max(10, cell.height - top - bottom))
    }

    func draw() {
        let area = area
        let (xLimits, yLimits) = axes.limits()
        let map = CoordinateMap(area: area, x: xLimits, y: yLimits, xScale: axes.xScale, yScale: axes.yScale)
        let xTicks = axes.xTicks ?? ticks(xLimits, axes.xScale).map { ($0, Ticks.label($0)) }
        let yTicks = ticks(yLimits, axes.yScale).map { ($0, Ticks.label($0)) }
        if axes.showsGrid {
            let lines = xTicks.compactMap { tick in map.x(tick.0).map { (($0, area.y), ($0, area.y + area.height)) } }
                + yTicks.compactMap { tick in map.y(tick.0).map { ((area.x, $0), (area.x + area.width, $0)) } }
            canvas.strokeSegments(lines, color: .grid, lineWidth: 1)
        }
        canvas.clip(x: area.x, y: area.y, width: area.width, height: area.height)
        for item in axes.series { drawSeries(item, map: map) }
        canvas.unclip()
        canvas.strokeRectangle(x: area.x, y: area.y, width: area.width, height: area.height, color: .black, lineWidth: 1)
        drawTicks(xTicks: xTicks, yTicks: yTicks, map: map, area: area)
        if !axes.title.isEmpty { canvas.text(axes.title, x: area.x + area.width / 2, y: cell.y + 20, size: 12.5, anchor: .centre) }
        if !axes.xLabel.isEmpty { canvas.text(axes.xLabel, x: area.x + area.width / 2, y: area.y + area.height + 42, size: Self.font + 1, anchor: .centre) }
        if !axes.yLabel.isEmpty {
            canvas.text(axes.yLabel, x: cell.x + 16, y: area.y + area.height / 2, size: Self.font + 1, anchor: .centre, degrees: 90)
        }
        if axes.showsLegend { drawLegend(area: area) }
    }

    private func ticks(_ limits: (Double, Double), _ scale: AxisScale) -> [Double] {
        switch scale {
        case .linear: Ticks.linear(low: limits.0, high: limits.1).filter { $0 >= limits.0 && $0 <= limits.1 }
        case .log: Ticks.log(low: limits.0, high: limits.1).filter { $0 >= limits.0 * 0.999 && $0 <= limits.1 * 1.001 }
        }
    }

    private func drawSeries(_ item: Axes.Series, map: CoordinateMap) {
        switch item {
        case .line(let xs, let ys, let color, let width, _, let dashed, let markers):
            let points = zip(xs, ys).map { map.point($0, $1) }
            canvas.strokePath(points, color: color, lineWidth: width, dashed: dashed)
            if markers { canvas.fillCircles(points.compactMap { $0 }, radius: width + 1.5, color: color) }
        case .scatter(let xs, let ys, let color, let size, _):
            canvas.fillCircles(zip(xs, ys).compactMap { map.point($0, $1) }, radius: size, color: color)
        case .bars(let edges, let heights, let color, _):
            for (i, height) in heights.enumerated() where i + 1 < edges.count && height.isFinite && height > 0 {
                guard let left = map.x(edges[i]), let right = map.x(edges[i + 1]), let top = map.y(height) else { continue }
                let base = map.y(axes.yScale == .log ? map.yLimits.0 : 0) ?? (map.area.y + map.area.height)
                canvas.fillRectangle(x: left, y: top, width: max(0.5, right - left - 0.5), height: base - top, color: color.withAlpha(0.85))
            }
        case .field(let field):
            drawField(field, map: map)
        }
    }

    private func drawField(_ field: Axes.Field, map: CoordinateMap) {
        let finite = field.values.filter(\.isFinite)
        guard let low = finite.min().map(Double.init), let high = finite.max().map(Double.init) else { return }
        let span = high > low ? high - low : 1
        // The raster's first row is the top of the image: the field's last row.
        var pixels = [UInt32](repeating: 0, count: field.values.count)
        for row in 0..<field.rows {
            for column in 0..<field.columns {
                let value = Double(field.values[row * field.columns + column])
                let color = value.isFinite ? field.colormap.color(at: (value - low) / span) : .white
                pixels[(field.rows - 1 - row) * field.columns + column] = Self.argb(color)
            }
        }
        guard let left = map.x(field.xRange.0), let right = map.x(field.xRange.1),
              let top = map.y(field.yRange.1), let bottom = map.y(field.yRange.0) else { return }
        canvas.drawRaster(pixels, columns: field.columns, rows: field.rows, into: (left, top, right - left, bottom - top))
        let cellWidth = (right - left) / Double(max(1, field.columns - 1)), cellHeight = (bottom - top) / Double(max(1, field.rows - 1))
        for level in 1...max(1, field.contourLevels) {
            let value = low + span * Double(level) / Double(field.contourLevels + 1)
            let segments = Contours.segments(field.values, columns: field.columns, rows: field.rows, level: value).map { a, b in
                ((left + a.0 * cellWidth, bottom - a.1 * cellHeight), (left + b.0 * cellWidth, bottom - b.1 * cellHeight))
            }
            canvas.strokeSegments(segments, color: PlotColor.white.withAlpha(0.55), lineWidth: 0.8)
        }
        drawColorBar(field.colormap, low: low, high: high)
    }

    private func drawColorBar(_ colormap: Colormap, low: Double, high: Double) {
        let area = area
        let x = area.x + area.width + 12, width = 12.0
        let steps = 64
        let pixels = (0..<steps).map { Self.argb(colormap.color(at: 1 - Double($0) / Double(steps - 1))) }
        canvas.drawRaster(pixels, columns: 1, rows: steps, into: (x, area.y, width, area.height))
        canvas.strokeRectangle(x: x, y: area.y, width: width, height: area.height, color: .black, lineWidth: 0.8)
        for tick in Ticks.linear(low: low, high: high, target: 5) where tick >= low && tick <= high {
            let y = area.y + area.height * (1 - (tick - low) / max(high - low, 1e-30))
            canvas.text(Ticks.label(tick), x: x + width + 4, y: y, size: Self.font - 1, middle: true)
        }
    }

    private func drawTicks(xTicks: [(Double, String)], yTicks: [(Double, String)], map: CoordinateMap, area: Rect) {
        var marks: [((Double, Double), (Double, Double))] = []
        for (value, label) in xTicks {
            guard let x = map.x(value) else { continue }
            marks.append(((x, area.y + area.height), (x, area.y + area.height + 4)))
            canvas.text(label, x: x, y: area.y + area.height + 17, size: Self.font, anchor: .centre)
        }
        for (value, label) in yTicks {
            guard let y = map.y(value) else { continue }
            marks.append(((area.x - 4, y), (area.x, y)))
            canvas.text(label, x: area.x - 7, y: y, size: Self.font, anchor: .right, middle: true)
        }
        canvas.strokeSegments(marks, color: .black, lineWidth: 1)
    }

    private func drawLegend(area: Rect) {
        let entries = axes.legendEntries
        guard !entries.isEmpty else { return }
        let rowHeight = 16.0
        let width = (entries.map { canvas.textWidth($0.0, size: Self.font) }.max() ?? 0) + 34
        let height = rowHeight * Double(entries.count) + 6
        let right = axes.legendLocation == .upperRight || axes.legendLocation == .lowerRight
        let upper = axes.legendLocation == .upperRight || axes.legendLocation == .upperLeft
        let x = right ? area.x + area.width - width - 6 : area.x + 6, y = upper ? area.y + 6 : area.y + area.height - height - 6
        canvas.fillRectangle(x: x, y: y, width: width, height: height, color: PlotColor.white.withAlpha(0.85))
        canvas.strokeRectangle(x: x, y: y, width: width, height: height, color: .grid)
        for (i, entry) in entries.enumerated() {
            let rowY = y + 3 + rowHeight * (Double(i) + 0.5)
            if entry.isLine {
                canvas.strokePath([(x + 6, rowY), (x + 24, rowY)], color: entry.1, lineWidth: 2)
            } else {
                canvas.fillRectangle(x: x + 9, y: rowY - 5, width: 10, height: 10, color: entry.1)
            }
            canvas.text(entry.0, x: x + 29, y: rowY, size: Self.font, middle: true)
        }
    }

    /// Premultiplied ARGB32, as Cairo's image surfaces hold it.
    private static func argb(_ color: PlotColor) -> UInt32 {
        func channel(_ value: Double) -> UInt32 { UInt32((min(1, max(0, value * color.alpha)) * 255).rounded()) }
        return UInt32((min(1, max(0, color.alpha)) * 255).rounded()) << 24 | channel(color.red) << 16 | channel(color.green) << 8
            | channel(color.blue)
    }
}

/// Data coordinates to pixels for one plot area; nil for a value the scale cannot show.
struct CoordinateMap {
    let area: PanelRenderer.Rect
    let xLimits: (Double, Double), yLimits: (Double, Double)
    let xScale: AxisScale, yScale: AxisScale

    init(area: PanelRenderer.Rect, x: (Double, Double), y: (Double, Double), xScale: AxisScale, yScale: AxisScale) {
        self.area = area
        (xLimits, yLimits, self.xScale, self.yScale) = (x, y, xScale, yScale)
    }

    private static func fraction(_ value: Double, _ limits: (Double, Double), _ scale: AxisScale) -> Double? {
        guard value.isFinite else { return nil }
        switch scale {
        case .linear:
            let span = limits.1 - limits.0
            return span > 0 ? (value - limits.0) / span : 0.5
        case .log:
            guard value > 0, limits.0 > 0, limits.1 > limits.0 else { return nil }
            return log10(value / limits.0) / log10(limits.1 / limits.0)
        }
    }

    func x(_ value: Double) -> Double? { Self.fraction(value, xLimits, xScale).map { area.x + $0 * area.width } }
    func y(_ value: Double) -> Double? { Self.fraction(value, yLimits, yScale).map { area.y + area.height - $0 * area.height } }

    func point(_ xValue: Double, _ yValue: Double) -> (Double, Double)? {
        guard let x = x(xValue), let y = y(yValue) else { return nil }
        return (x, y)
    }
}
